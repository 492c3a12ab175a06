/**
 * Configuration -> a `CosmosClient` for the chosen backend, plus the lab's database and container.
 *
 * Notebook cells are re-run and tslab reloads a module when its import cell re-runs, so anything
 * that must outlive a reload (the running embedded emulator, the clients) lives on `globalThis`
 * under a `Symbol.for` key rather than in a module variable: a re-run reuses the same emulator and
 * the same client instead of starting a second one.
 *
 * TLS is always verified. The embedded emulator's certificate, or the PEM file named by COSMOS_CA,
 * is trusted through an `https.Agent({ ca })` given to the client.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import https from "node:https";
import { inspect } from "node:util";
import { CosmosClient, type Container, type CosmosClientOptions, type Database } from "@azure/cosmos";

/**
 * An Entra ID credential, named through the client's own option rather than imported from
 * @azure/identity: notebook cells are type-checked against this module's declarations, and
 * @azure/identity's (with MSAL's beneath them) would be read again for every cell.
 */
export type TokenCredential = NonNullable<CosmosClientOptions["aadCredentials"]>;
import { describeBackend, loadConfig, type WorkbookConfig } from "./config";
import { startEmulator } from "../emulator/index";

export interface Connection {
  client: CosmosClient;
  config: WorkbookConfig;
  /** The address the client talks to (for the embedded emulator, known only once it runs). */
  endpoint: string;
  /** One line for the notebook, e.g. "embedded emulator at https://127.0.0.1:8081/ (data kept in memory)". */
  description: string;
  /** What a `CosmosClient` for this backend is given to authenticate; prints as `[redacted]`. */
  credential: ClientCredential;
  /** Trusts the backend's certificate (embedded emulator, COSMOS_CA); undefined when the system's CAs do. */
  agent: https.Agent | undefined;
}

/** `{ key }` for an account key (the embedded emulator has one too), `{ aadCredentials }` for Entra ID. */
export type ClientCredential = { key: string } | { aadCredentials: TokenCredential };

export interface ConnectOptions {
  /** Entra ID only: the credential to use instead of DefaultAzureCredential (such clients are not cached). */
  credential?: TokenCredential;
  /** Gives up the first check that the service answers (a doctor must not wait on a silent host). */
  abortSignal?: AbortSignal;
}

/** A failure explained in one sentence that names the cause and the fix; the original is `cause`. */
export class WorkbookError extends Error {
  override name = "WorkbookError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

type RunningEmulator = Awaited<ReturnType<typeof startEmulator>>;

interface CachedClient {
  client: CosmosClient;
  endpoint: string;
  backend: WorkbookConfig["backend"];
  credential: ClientCredential;
  agent: https.Agent | undefined;
}

/** What survives a module reload inside one kernel. */
interface SharedState {
  emulators: Map<string, Promise<RunningEmulator>>;
  clients: Map<string, Promise<CachedClient>>;
}

const SHARED_STATE_KEY = Symbol.for("cosmos-batch-workbook.client-state");

function sharedState(): SharedState {
  const holder = globalThis as { [SHARED_STATE_KEY]?: SharedState };
  holder[SHARED_STATE_KEY] ??= { emulators: new Map(), clients: new Map() };
  return holder[SHARED_STATE_KEY];
}

/**
 * A client for the configured backend; the first call per backend checks that the service answers
 * (so a wrong endpoint, key, certificate or missing `az login` fails here, in one sentence).
 */
export async function connect(
  config: WorkbookConfig = loadConfig(),
  options: ConnectOptions = {},
): Promise<Connection> {
  const cached =
    options.credential === undefined
      ? await cachedClient(config, options.abortSignal)
      : await createVerifiedClient(config, options.credential, options.abortSignal);
  return {
    client: cached.client,
    config,
    endpoint: cached.endpoint,
    description: describeBackend(config, cached.endpoint),
    credential: cached.credential,
    agent: cached.agent,
  };
}

function cachedClient(config: WorkbookConfig, abortSignal: AbortSignal | undefined): Promise<CachedClient> {
  const clients = sharedState().clients;
  const cacheKey = clientCacheKey(config);
  let pending = clients.get(cacheKey);
  if (pending === undefined) {
    pending = createVerifiedClient(config, undefined, abortSignal);
    clients.set(cacheKey, pending);
    // A failed attempt must not be remembered: fixing .env and re-running the cell should retry.
    pending.catch(() => clients.delete(cacheKey));
  }
  return pending;
}

/** Same backend, endpoint, credentials and CA -> same client. The key enters only as a hash. */
function clientCacheKey(config: WorkbookConfig): string {
  switch (config.backend) {
    case "embedded-emulator":
      return `embedded-emulator|${config.emulatorDataPath ?? ""}`;
    case "key":
      return `key|${config.endpoint}|${sha256(config.key.reveal())}|${config.caPath ?? ""}`;
    case "entra":
      return `entra|${config.endpoint}|${config.caPath ?? ""}`;
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

async function createVerifiedClient(
  config: WorkbookConfig,
  credential?: TokenCredential,
  abortSignal?: AbortSignal,
): Promise<CachedClient> {
  const { endpoint, credential: clientCredential, agent } = await clientSettings(config, credential);
  const options: CosmosClientOptions = { endpoint, ...clientCredential, ...(agent === undefined ? {} : { agent }) };
  const client = new CosmosClient(options);
  try {
    await client.getDatabaseAccount(abortSignal === undefined ? {} : { abortSignal });
  } catch (error) {
    client.dispose();
    throw explainError(error, config);
  }
  return { client, endpoint, backend: config.backend, credential: redacted(clientCredential), agent };
}

/** Where the backend is, how to authenticate to it, and which certificates to trust. */
async function clientSettings(
  config: WorkbookConfig,
  credential: TokenCredential | undefined,
): Promise<{ endpoint: string; credential: ClientCredential; agent: https.Agent | undefined }> {
  switch (config.backend) {
    case "embedded-emulator": {
      const emulator = await embeddedEmulator(config.emulatorDataPath);
      return { endpoint: emulator.endpoint, credential: { key: emulator.key }, agent: trusting(emulator.ca) };
    }
    case "key":
      return { endpoint: config.endpoint, credential: { key: config.key.reveal() }, agent: caAgent(config.caPath) };
    case "entra":
      return {
        endpoint: config.endpoint,
        credential: { aadCredentials: credential ?? (await defaultAzureCredential()) },
        agent: caAgent(config.caPath),
      };
  }
}

/** Loaded only for Entra ID: key and emulator backends never pay for loading @azure/identity. */
async function defaultAzureCredential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import("@azure/identity");
  return new DefaultAzureCredential();
}

function caAgent(caPath: string | undefined): https.Agent | undefined {
  return caPath === undefined ? undefined : trusting(readFileSync(caPath, "utf8"));
}

/**
 * A copy whose printed forms (inspect, JSON, string) are `[redacted]`, so a learner who logs the
 * settings never shows the key. Those methods are not enumerable: a spread into the client's options
 * copies the key and nothing else.
 */
function redacted(credential: ClientCredential): ClientCredential {
  const copy = { ...credential };
  const hidden = { enumerable: false, value: () => "[redacted]" };
  Object.defineProperty(copy, inspect.custom, hidden);
  Object.defineProperty(copy, "toJSON", hidden);
  Object.defineProperty(copy, "toString", hidden);
  return copy;
}

/** Verifies TLS against the given certificates (instead of the system store); never turns checks off. */
function trusting(ca: string | Buffer): https.Agent {
  return new https.Agent({ ca, keepAlive: true });
}

/** The embedded emulator for this data folder, started once per kernel and shared by every client. */
function embeddedEmulator(dataPath: string | undefined): Promise<RunningEmulator> {
  const emulators = sharedState().emulators;
  const key = dataPath ?? "";
  let running = emulators.get(key);
  if (running === undefined) {
    // keepProcessAlive: false — a kernel lives on anyway, and a plain script must be able to end.
    running = startEmulator({ dataPath, keepProcessAlive: false });
    emulators.set(key, running);
    running.catch(() => emulators.delete(key));
  }
  return running;
}

/** Stops the embedded emulator(s) and disposes the clients that talk to them (tests, clean shutdown). */
export async function closeEmbeddedEmulator(): Promise<void> {
  const state = sharedState();
  await disposeClients((cached) => cached.backend === "embedded-emulator");
  const running = [...state.emulators.values()];
  state.emulators.clear();
  await Promise.all(running.map(async (pending) => (await pending.catch(() => undefined))?.stop()));
}

/** Disposes every cached client and stops the embedded emulator. */
export async function closeConnections(): Promise<void> {
  await disposeClients(() => true);
  await closeEmbeddedEmulator();
}

async function disposeClients(shouldClose: (cached: CachedClient) => boolean): Promise<void> {
  const clients = sharedState().clients;
  for (const [cacheKey, pending] of [...clients]) {
    const cached = await pending.catch(() => undefined);
    if (cached === undefined || shouldClose(cached)) {
      clients.delete(cacheKey);
      cached?.client.dispose();
    }
  }
}

/** The lab's database and container, created when missing (as the lab's `*_if_not_exists` calls). */
export async function prepareContainer(
  connection: Pick<Connection, "client" | "config">,
): Promise<{ database: Database; container: Container }> {
  const { client, config } = connection;
  try {
    const { database } = await client.databases.createIfNotExists({ id: config.databaseId });
    const { container, resource } = await database.containers.createIfNotExists({
      id: config.containerId,
      partitionKey: { paths: [config.partitionKeyPath] },
      throughput: config.throughput,
    });
    checkPartitionKey(config, resource?.partitionKey?.paths);
    return { database, container };
  } catch (error) {
    throw explainError(error, config);
  }
}

/** An existing container keeps its partition key; the lab's batches only make sense with the configured one. */
function checkPartitionKey(config: WorkbookConfig, paths: readonly string[] | undefined): void {
  if (paths === undefined || (paths.length === 1 && paths[0] === config.partitionKeyPath)) return;
  throw new WorkbookError(
    `The container "${config.containerId}" already exists with partition key ${paths.join(", ")}, not ${config.partitionKeyPath}: ` +
      `delete it, or set COSMOS_CONTAINER to another name (or COSMOS_PARTITION_KEY_PATH to ${paths.join(", ")}).`,
  );
}

// ---------------------------------------------------------------------------------------------
// Errors -> one sentence with the fix

interface ErrorFacts {
  name?: string;
  code?: number | string;
  substatus?: number;
}

const CREDENTIAL_ERROR_NAMES = new Set([
  "CredentialUnavailableError",
  "AuthenticationError",
  "AggregateAuthenticationError",
]);
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
]);

/**
 * Turns a known failure into a `WorkbookError` whose message says what to do; anything else is
 * returned unchanged. Exported so notebook cells can use it around their own calls.
 */
export function explainError(error: unknown, config: WorkbookConfig): unknown {
  if (error instanceof WorkbookError) return error;
  const chain = causeChain(error);
  const sentence = chain.map((facts) => sentenceFor(facts, config)).find((found) => found !== undefined);
  return sentence === undefined ? error : new WorkbookError(sentence, { cause: error });
}

/** The error and its causes (the SDK and core-rest-pipeline wrap network and credential errors). */
function causeChain(error: unknown): ErrorFacts[] {
  const chain: ErrorFacts[] = [];
  for (let current = error; isObject(current) && chain.length < 5; current = current.cause) {
    chain.push({
      ...(typeof current.name === "string" ? { name: current.name } : {}),
      ...(typeof current.code === "number" || typeof current.code === "string" ? { code: current.code } : {}),
      ...(typeof current.substatus === "number" ? { substatus: current.substatus } : {}),
    });
  }
  return chain;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function sentenceFor(facts: ErrorFacts, config: WorkbookConfig): string | undefined {
  const endpoint = config.backend === "embedded-emulator" ? "the embedded emulator" : config.endpoint;
  if (facts.name !== undefined && CREDENTIAL_ERROR_NAMES.has(facts.name)) {
    return "No Microsoft Entra ID sign-in is available for DefaultAzureCredential: run `az login` in a terminal (and `az account set --subscription <id>` if the account is in another subscription), then run this cell again.";
  }
  if (facts.code === 403 && facts.substatus === 5300 && config.backend === "entra") {
    return (
      `Your Microsoft Entra identity cannot create databases or containers through the data plane (403, sub-status 5300): ` +
      `create them once with \`az cosmosdb sql database create --account-name <account> --resource-group <group> --name ${config.databaseId}\` and ` +
      `\`az cosmosdb sql container create --account-name <account> --resource-group <group> --database-name ${config.databaseId} --name ${config.containerId} ` +
      `--partition-key-path ${config.partitionKeyPath} --throughput ${config.throughput}\` (or in the Azure portal's Data Explorer), then run this cell again.`
    );
  }
  if (facts.code === 403 && config.backend === "entra") {
    return `Your Microsoft Entra identity has no data-plane access to ${endpoint} (403): assign it the "Cosmos DB Built-in Data Contributor" role with \`az cosmosdb sql role assignment create\`, wait a few minutes, then run this cell again.`;
  }
  if (facts.code === 401 && config.backend === "key") {
    return `${endpoint} rejected COSMOS_KEY (401 Unauthorized): copy the primary key again from the Keys page of the account, and check that COSMOS_ENDPOINT is the same account.`;
  }
  if (typeof facts.code === "string" && UNTRUSTED_CERTIFICATE_CODES.has(facts.code)) {
    return `The TLS certificate of ${endpoint} is not trusted (${facts.code}): set COSMOS_CA to a PEM file with the certificate that signs it (for Microsoft's emulator, its exported certificate).`;
  }
  if (typeof facts.code === "string" && UNREACHABLE_CODES.has(facts.code)) {
    return `Nothing answers at ${endpoint} (${facts.code}): check COSMOS_ENDPOINT, your network, and that the emulator or account is running.`;
  }
  return undefined;
}
