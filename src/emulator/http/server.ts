/**
 * The HTTP layer: finds a request's route in the table (routes.ts), authenticates it and checks
 * its declared size from the headers alone, only then reads the body (within a time limit), and
 * writes the reply with the headers every Cosmos DB response carries. Errors become JSON bodies
 * `{ code, message }` with `x-ms-substatus` where one applies. A request refused before its body
 * was read closes the connection, so an unauthenticated or oversized upload is never read.
 */
import { Header, headerValue, type HeaderName } from "./headers";
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Server as TlsServer } from "node:tls";
import { authenticate, type AuthMode, type SignedResource } from "./auth";
import { CosmosError } from "../cosmos-error";
import { parseClientJson } from "../client-json";
import type { KeyedLock } from "../operations/locks";
import { replyJson } from "../store/serialized-json";
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
  return parseClientJson(request.body.toString("utf8"), "The request body");
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

/** Request bodies above this are refused from their Content-Length, or as soon as they pass it (batches stop at ~2 MB). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

const tooLarge = (): CosmosError =>
  new CosmosError(
    413,
    `Request size is too large. (RequestEntityTooLarge) Requests are limited to ${MAX_BODY_BYTES} bytes; split the work into smaller requests.`,
  );

/** How long a client may take to send its headers, and then its body. */
export interface ClientTimeouts {
  headersMs: number;
  bodyMs: number;
}

export const DEFAULT_CLIENT_TIMEOUTS: ClientTimeouts = { headersMs: 20_000, bodyMs: 30_000 };

/** The declared size, checked before a single byte of the body is read. */
function checkDeclaredLength(message: IncomingMessage): void {
  const declared = headerValue(message.headers, Header.contentLength);
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
}

/** The body, refused (413) as soon as it passes the limit and (408) when it does not arrive in time. */
function readBody(message: IncomingMessage, timeoutMs: number): Promise<Buffer> {
  if (message.complete) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error: CosmosError): void => {
      cleanUp();
      message.pause();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        stop(
          new CosmosError(
            408,
            `The request body did not arrive within ${timeoutMs / 1000} s; send the whole body at once.`,
          ),
        ),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) stop(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanUp();
      resolve(Buffer.concat(chunks));
    };
    const onAborted = (): void => stop(new CosmosError(400, "The client closed the connection before the body ended."));
    const cleanUp = (): void => {
      clearTimeout(timer);
      message.off("data", onData).off("end", onEnd).off("error", onAborted).off("aborted", onAborted);
    };
    message.on("data", onData).on("end", onEnd).on("error", onAborted).on("aborted", onAborted);
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
  timeouts?: ClientTimeouts;
}

export function createRequestListener(context: EmulatorContext, routes: Route[], options: ServerOptions) {
  const table = routes.map((route) => ({ route, pattern: route.path.split("/").filter(Boolean) }));
  return (message: IncomingMessage, response: ServerResponse): void => {
    const activityId = header({ headers: message.headers }, Header.activityId) ?? randomUUID();
    handle(context, table, options, message)
      .then((reply) => send(response, reply, activityId, message))
      .catch((error: unknown) => send(response, errorReply(error), activityId, message));
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
  const request: EmulatorRequest = {
    method: (message.method ?? "GET").toUpperCase(),
    path,
    segments: decodeSegments(path),
    params: {},
    headers: message.headers,
    body: Buffer.alloc(0),
  };
  // Authenticate before reporting an unknown path or method, as the service does, and before
  // reading the body: a stranger's upload is refused from its headers.
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
  checkDeclaredLength(message);
  request.body = await readBody(message, (options.timeouts ?? DEFAULT_CLIENT_TIMEOUTS).bodyMs);
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

function send(response: ServerResponse, reply: Reply, activityId: string, message: IncomingMessage): void {
  if (response.headersSent || response.destroyed) return;
  // replyJson reuses the JSON each stored item was given when it was written (store/serialized-json.ts).
  const payload = reply.body === undefined ? undefined : Buffer.from(replyJson(reply.body), "utf8");
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
  // A body left unread (refused from the headers, too large, too slow) is not read to its end:
  // the connection closes once the reply is out.
  if (!message.complete) headers[Header.connection] = "close";
  response.writeHead(reply.status, headers);
  response.end(payload);
}

/** What a client gets when its request cannot even be parsed: a JSON reply, then the connection closes. */
const CLIENT_ERRORS: Record<string, { status: number; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    message: "The request headers are too large; send fewer or shorter headers.",
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: "Request Timeout",
    message: "The request headers did not arrive in time; send the whole request at once.",
  },
};
const MALFORMED = { status: 400, reason: "Bad Request", message: "The request is not valid HTTP/1.1." };

/**
 * Time limits for slow clients (headers, then the whole request as a backstop to the body timer of
 * `readBody`) and JSON replies to requests Node's parser refuses (malformed, headers too large).
 */
export function guardAgainstSlowAndMalformedClients(
  server: Server,
  timeouts: ClientTimeouts = DEFAULT_CLIENT_TIMEOUTS,
): void {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.headersMs + timeouts.bodyMs + 1_000;
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const known = CLIENT_ERRORS[error.code ?? ""] ?? MALFORMED;
    if (!socket.writable || error.code === "ECONNRESET" || error.code === "EPIPE") {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ code: known.reason.replace(/ /g, ""), message: known.message });
    socket.end(
      `HTTP/1.1 ${known.status} ${known.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** The first byte of every TLS connection: a handshake record. */
const TLS_HANDSHAKE = 0x16;

const PLAIN_HTTP_MESSAGE =
  "This port speaks HTTPS only: use https:// instead of http://, and trust the emulator's certificate (https.Agent({ ca }) or COSMOS_CA); never turn TLS verification off.";

/**
 * A client that speaks plain HTTP to the TLS port (`http://127.0.0.1:8081/`, a common slip) gets a
 * plain-HTTP 400 that says to use https://, instead of a connection reset. The first byte decides:
 * a TLS handshake goes on to the TLS server as usual (the byte is put back first; Node's TLS
 * socket reads what the raw socket has buffered), anything else is answered and closed. A socket
 * that sends nothing is closed after `silenceMs`. Returns a function that destroys every socket
 * still open, for stopping the server: Node's own `closeAllConnections` sees only those that have
 * reached HTTP, not one mid-handshake or being answered here.
 */
export function answerPlainHttpOnTlsPort(server: TlsServer, silenceMs: number): () => void {
  const tlsListeners = server.listeners("connection") as ((socket: Socket) => void)[];
  const open = new Set<Socket>();
  server.removeAllListeners("connection");
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.setTimeout(silenceMs, () => socket.destroy());
    socket.on("error", () => socket.destroy());
    socket.once("close", () => open.delete(socket));
    socket.once("data", (first: Buffer) => {
      socket.setTimeout(0);
      if (first[0] === TLS_HANDSHAKE) {
        socket.pause();
        socket.unshift(first);
        for (const listener of tlsListeners) listener.call(server, socket);
        return;
      }
      // Destroyed once written, so a client that never closes its side holds nothing open.
      const body = JSON.stringify({ code: "BadRequest", message: PLAIN_HTTP_MESSAGE });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        () => socket.destroy(),
      );
    });
  });
  return () => {
    for (const socket of open) socket.destroy();
  };
}
