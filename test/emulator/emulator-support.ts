/**
 * Shared set-up for the emulator tests: one emulator per test file, and real @azure/cosmos clients
 * that trust its certificate through an https.Agent (TLS verification stays on).
 */
import { createHmac } from "node:crypto";
import https from "node:https";
import { CosmosClient, type Container, type ContainerRequest, type CosmosClientOptions } from "@azure/cosmos";
import { afterAll, beforeAll, vi } from "vitest";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/index";
import { againstService, connectServiceTarget } from "../service/service-target";

export interface TestEmulator {
  emulator: RunningEmulator;
  client: CosmosClient;
  /** A client with other options (another key, Entra credentials, ...) for the same emulator. */
  clientWith(options: Partial<CosmosClientOptions>): CosmosClient;
  stop(): Promise<void>;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  // `npm run test:service`: the same tests against the endpoint in .env.
  if (againstService()) return connectServiceTarget();
  const emulator = await startEmulator({ port: 0, ...options });
  const agent = new https.Agent({ ca: emulator.ca, keepAlive: true });
  const clients: CosmosClient[] = [];
  const clientWith = (overrides: Partial<CosmosClientOptions>): CosmosClient => {
    const client = new CosmosClient({
      endpoint: emulator.endpoint,
      key: emulator.key,
      agent,
      connectionPolicy: {
        enableEndpointDiscovery: true,
        retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 1 },
      },
      ...overrides,
    } as CosmosClientOptions);
    clients.push(client);
    return client;
  };
  const client = clientWith({});
  return {
    emulator,
    client,
    clientWith,
    async stop() {
      for (const c of clients) c.dispose();
      agent.destroy();
      await emulator.stop();
    },
  };
}

/**
 * Starts one emulator before the tests of the enclosing file (or describe block) and stops it after
 * them. The returned object forwards to that emulator, so it can be captured before it starts.
 */
export function useTestEmulator(options: EmulatorOptions = {}): TestEmulator {
  let running: TestEmulator | undefined;
  beforeAll(async () => {
    running = await startTestEmulator(options);
  });
  afterAll(() => running?.stop());
  const current = (): TestEmulator => {
    if (!running) throw new Error("the test emulator is used before its beforeAll has run");
    return running;
  };
  return {
    get emulator() {
      return current().emulator;
    },
    get client() {
      return current().client;
    },
    clientWith: (options) => current().clientWith(options),
    stop: () => current().stop(),
  };
}

/** The lab's container: `products` (keyed on /categoryId, 400 RU/s) in `cosmicworks`, each created only when absent. */
export async function labProducts(client: CosmosClient): Promise<Container> {
  const { database } = await client.databases.createIfNotExists({ id: "cosmicworks" });
  return (
    await database.containers.createIfNotExists({
      id: "products",
      partitionKey: { paths: ["/categoryId"] },
      throughput: 400,
    })
  ).container;
}

/** A new database holding one new container, both named uniquely after `name`, so scenarios never share state. */
export async function freshContainer(
  client: CosmosClient,
  name: string,
  request: Omit<ContainerRequest, "id"> = {},
): Promise<Container> {
  const { database } = await client.databases.create({ id: uniqueId(name) });
  return (await database.containers.create({ id: uniqueId(name), ...request })).container;
}

/**
 * Runs `check` with Date (the clock the in-process emulator reads for expiry) moved `ms` ahead,
 * instead of sleeping until then; timers stay real.
 */
export async function withClockAhead<T>(ms: number, check: () => Promise<T>): Promise<T> {
  // A service in another process keeps its own clock: there, really wait.
  if (againstService()) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return check();
  }
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + ms });
  try {
    return await check();
  } finally {
    vi.useRealTimers();
  }
}

/** A unique name per call, so tests in one file never collide. */
let counter = 0;
export const uniqueId = (prefix: string): string =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** The error a call rejects with; fails the test when it does not reject. */
export async function errorOf(
  promise: Promise<unknown>,
): Promise<{ message: string; code?: number; substatus?: number; headers?: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    return error as { message: string };
  }
  throw new Error("expected a rejection");
}

/** The status code of a rejected SDK call (`error.code`). */
export async function statusOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code;
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface RawRequest {
  method: string;
  /** Like `/dbs/d/colls/c/docs`. */
  path: string;
  /** What is signed; derived from the path when absent. */
  resourceType?: string;
  resourceLink?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sign with this key instead of the emulator's; `null` sends no authorization header. */
  key?: string | null;
  date?: Date;
}

/**
 * A request signed as the REST reference describes (independently of the emulator's code), for
 * what the SDK refuses to send: oversized batches, more than 100 operations, bad signatures.
 */
export function rawRequest(emulator: RunningEmulator, request: RawRequest): Promise<RawResponse> {
  const segments = request.path.split("/").filter(Boolean).map(decodeURIComponent);
  const feed = segments.length % 2 === 1;
  const resourceType =
    request.resourceType ??
    (segments.length === 0 ? "" : feed ? segments[segments.length - 1]! : segments[segments.length - 2]!);
  const resourceLink = request.resourceLink ?? (feed ? segments.slice(0, -1) : segments).join("/");
  const date = (request.date ?? new Date()).toUTCString();
  const headers: Record<string, string> = { "x-ms-date": date, "x-ms-version": "2020-07-15", ...request.headers };
  if (request.key !== null) {
    const text = `${request.method.toLowerCase()}\n${resourceType.toLowerCase()}\n${resourceLink}\n${date.toLowerCase()}\n\n`;
    const signature = createHmac("sha256", Buffer.from(request.key ?? emulator.key, "base64"))
      .update(text)
      .digest("base64");
    headers.authorization = encodeURIComponent(`type=master&ver=1.0&sig=${signature}`);
  }
  const payload =
    request.body === undefined
      ? undefined
      : Buffer.from(typeof request.body === "string" ? request.body : JSON.stringify(request.body));
  if (payload) headers["content-type"] ??= "application/json";
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(request.path, emulator.endpoint),
      { method: request.method, headers, ca: emulator.ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text === "" ? undefined : JSON.parse(text),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
