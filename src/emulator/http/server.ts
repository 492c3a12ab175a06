/**
 * The HTTP layer: reads a request, authenticates it, finds its route in the table (routes.ts),
 * and writes the reply with the headers every Cosmos DB response carries. Errors become JSON
 * bodies `{ code, message }` with `x-ms-substatus` where one applies.
 */
import { Header, headerValue, type HeaderName } from "./headers";
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { authenticate, type AuthMode, type SignedResource } from "./auth";
import { CosmosError } from "../cosmos-error";
import type { KeyedLock } from "../operations/locks";
import { toJson } from "../store/serialized-json";
import type { Store } from "../store/store";

/** Everything a handler may use. */
export interface EmulatorContext {
  store: Store;
  locks: KeyedLock;
  accountId: string;
  /** The endpoint clients reach, like `https://127.0.0.1:8081/`. */
  endpoint: string;
}

export interface EmulatorRequest {
  method: string;
  /** The raw path, without the query string. */
  path: string;
  /** URL-decoded path segments. */
  segments: string[];
  /** Values of the `:name` segments of the matched route. */
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  charge?: number;
  /** Log sequence number of the container touched, reported as the session token. */
  lsn?: number;
}

export type Handler = (context: EmulatorContext, request: EmulatorRequest) => Promise<Reply> | Reply;

export interface Route {
  method: string;
  /** Like `/dbs/:db/colls/:coll`. */
  path: string;
  /** Further condition (for the many operations that share `POST .../docs`). */
  when?: (request: EmulatorRequest) => boolean;
  handler: Handler;
  /** Creating, replacing or deleting databases and containers (refused to Entra identities). */
  controlPlane?: boolean;
  /** What the client signs, when it is not derived from the path (see `signedResourceOf`). */
  signs?: (request: EmulatorRequest) => SignedResource;
}

export const header = (request: Pick<EmulatorRequest, "headers">, name: HeaderName): string | undefined =>
  headerValue(request.headers, name);

export const headerIs = (request: EmulatorRequest, name: HeaderName, expected = "true"): boolean =>
  header(request, name)?.toLowerCase() === expected;

export function jsonBody(request: EmulatorRequest): unknown {
  if (request.body.length === 0) throw new CosmosError(400, "The request body is empty.");
  try {
    return JSON.parse(request.body.toString("utf8"));
  } catch {
    throw new CosmosError(400, "The request body is not valid JSON.");
  }
}

/**
 * The resource type and link the client signed: for a feed (odd number of segments) the type is the
 * last segment and the link its parent; for a single resource the type is the segment before the id.
 */
export function signedResourceOf(segments: string[]): SignedResource {
  if (segments.length === 0) return { resourceType: "", resourceLink: "" };
  if (segments.length % 2 === 1) {
    return { resourceType: segments[segments.length - 1] ?? "", resourceLink: segments.slice(0, -1).join("/") };
  }
  return { resourceType: segments[segments.length - 2] ?? "", resourceLink: segments.join("/") };
}

/** A route with its path split into segments once, not on every request. */
interface RouteEntry {
  route: Route;
  pattern: string[];
}

/** The first route matching the request (its `:name` segments are set as `request.params`). */
function matchRoute(table: RouteEntry[], request: EmulatorRequest): Route | undefined {
  let pathMatched = false;
  for (const { route, pattern } of table) {
    if (pattern.length !== request.segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const actual = request.segments[i] ?? "";
      if (part.startsWith(":")) {
        params[part.slice(1)] = actual;
        return true;
      }
      return part === actual;
    });
    if (!matches) continue;
    pathMatched = true;
    if (route.method !== request.method) continue;
    request.params = params;
    if (route.when && !route.when(request)) continue;
    return route;
  }
  if (pathMatched) throw new CosmosError(405, `The method ${request.method} is not allowed on ${request.path}.`);
  return undefined;
}

/** Request bodies above this are refused before they are buffered (batches stop at ~2 MB). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    message.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    message.on("end", () => {
      if (size > MAX_BODY_BYTES) reject(new CosmosError(413, "Request size is too large. (RequestEntityTooLarge)"));
      else resolve(Buffer.concat(chunks));
    });
    message.on("error", reject);
  });
}

function decodeSegments(path: string): string[] {
  return path
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new CosmosError(400, `The path segment '${segment}' is not correctly URL-encoded.`);
      }
    });
}

export interface ServerOptions {
  key: string;
  auth: AuthMode;
}

export function createRequestListener(context: EmulatorContext, routes: Route[], options: ServerOptions) {
  const table = routes.map((route) => ({ route, pattern: route.path.split("/").filter(Boolean) }));
  return (message: IncomingMessage, response: ServerResponse): void => {
    const activityId = header({ headers: message.headers }, Header.activityId) ?? randomUUID();
    handle(context, table, options, message)
      .then((reply) => send(response, reply, activityId))
      .catch((error: unknown) => send(response, errorReply(error), activityId));
  };
}

async function handle(
  context: EmulatorContext,
  table: RouteEntry[],
  options: ServerOptions,
  message: IncomingMessage,
): Promise<Reply> {
  // The REST API has no query strings: the SDK leaves a '?' in an item id unencoded, and the
  // service reads it as part of the id. So the whole request target is the path.
  const path = message.url ?? "/";
  const body = await readBody(message);
  const request: EmulatorRequest = {
    method: (message.method ?? "GET").toUpperCase(),
    path,
    segments: decodeSegments(path),
    params: {},
    headers: message.headers,
    body,
  };
  // Authenticate before reporting an unknown path or method, as the service does.
  let matched: ReturnType<typeof matchRoute>;
  let routingError: unknown;
  try {
    matched = matchRoute(table, request);
  } catch (error) {
    routingError = error;
  }
  const resource = matched?.signs?.(request) ?? signedResourceOf(request.segments);
  authenticate(
    {
      method: request.method,
      path: request.path,
      headers: request.headers,
      resource,
      isControlPlaneWrite: matched?.controlPlane === true,
    },
    options.key,
    options.auth,
    context.accountId,
  );
  if (routingError !== undefined) throw routingError;
  if (!matched) throw new CosmosError(404, `No resource at ${request.path}.`);
  return matched.handler(context, request);
}

function errorReply(error: unknown): Reply {
  const cosmosError =
    error instanceof CosmosError
      ? error
      : new CosmosError(500, `The emulator failed: ${error instanceof Error ? error.message : String(error)}`);
  if (!(error instanceof CosmosError)) console.error("cosmos emulator: unexpected error", error);
  return {
    status: cosmosError.status,
    body: { code: cosmosError.code, message: cosmosError.message },
    headers: cosmosError.subStatus === undefined ? {} : { [Header.subStatus]: String(cosmosError.subStatus) },
    charge: 0,
  };
}

function send(response: ServerResponse, reply: Reply, activityId: string): void {
  // toJson reuses the JSON each stored item was given when it was written (store/serialized-json.ts).
  const payload = reply.body === undefined ? undefined : Buffer.from(toJson(reply.body), "utf8");
  const headers: Record<string, string> = {
    [Header.activityId]: activityId,
    [Header.requestCharge]: String(reply.charge ?? 0),
    [Header.gatewayVersion]: "2.0.0",
    [Header.serviceVersion]: "version=2.14.0.0",
    [Header.sessionToken]: `0:-1#${reply.lsn ?? 1}`,
    [Header.date]: new Date().toUTCString(),
    ...reply.headers,
  };
  if (payload) {
    headers[Header.contentType] = "application/json";
    headers[Header.contentLength] = String(payload.length);
  } else headers[Header.contentLength] = "0";
  response.writeHead(reply.status, headers);
  response.end(payload);
}
