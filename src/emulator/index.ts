/**
 * The embedded Azure Cosmos DB for NoSQL emulator.
 *
 *   const emulator = await startEmulator();            // a free port on 127.0.0.1, data in memory
 *   const client = new CosmosClient({
 *     endpoint: emulator.endpoint,
 *     key: emulator.key,
 *     agent: new https.Agent({ ca: emulator.ca }),     // trust its certificate; never turn TLS checks off
 *   });
 *   ...
 *   await emulator.stop();
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { AuthMode } from "./http/auth";
import {
  createRequestListener,
  DEFAULT_CLIENT_TIMEOUTS,
  answerPlainHttpOnTlsPort,
  guardAgainstSlowAndMalformedClients,
  type ClientTimeouts,
  type EmulatorContext,
} from "./http/server";
import { lockDataFolder } from "./store/data-folder-lock";
import { KeyedLock } from "./operations/locks";
import { memoryJournal, openDataDirectory } from "./store/persistence";
import { routes } from "./routes";
import { Store } from "./store/store";
import { defaultCertificateDirectory, loadOrCreateCertificate } from "./http/tls";

/** The key of Microsoft's emulators, public by design; an emulator is not a place for secrets. */
export const WELL_KNOWN_EMULATOR_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. The CLI defaults to 8081 like Microsoft's emulator. */
  port?: number;
  /** Account key clients sign with (base64); the well-known emulator key by default. */
  key?: string;
  /** Folder that keeps data (and the TLS certificate) across restarts; memory only when absent. */
  dataPath?: string;
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string;
  /** "key" (default) or "key-and-entra" to also accept Entra ID tokens (not signature-checked). */
  auth?: AuthMode;
  /** Folder for the cached TLS certificate when there is no `dataPath`; `<project>/.cache/emulator-tls` by default. */
  certificateDirectory?: string;
  /**
   * Whether the listening server alone keeps Node running (true by default, as a server should).
   * An emulator embedded on demand passes false, so a script that used it can still end on its own.
   */
  keepProcessAlive?: boolean;
  /** How long a client may take to send its headers, then its body (defaults: 20 s and 30 s). */
  timeouts?: Partial<ClientTimeouts>;
}

export interface RunningEmulator {
  /** Like `https://127.0.0.1:8081/`. */
  endpoint: string;
  key: string;
  /** PEM certificate to trust: `new https.Agent({ ca })`. */
  ca: string;
  /** File holding `ca`, for tools that take a path (COSMOS_CA). */
  caPath?: string;
  stop(): Promise<void>;
}

/** The account id reported by `GET /` (anything but "localhost", see handlers/account.ts). */
const ACCOUNT_ID = "embedded-emulator";

function assertBase64Key(key: string): void {
  if (key.length === 0 || Buffer.from(key, "base64").toString("base64") !== key) {
    throw new Error("The emulator key must be a base64 string, like the account keys of Azure Cosmos DB.");
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function endpointFor(host: string, port: number): string {
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `https://${shown.includes(":") ? `[${shown}]` : shown}:${port}/`;
}

/** Neither the listening socket nor any accepted connection holds the event loop open. */
function letProcessExitAround(server: Server): void {
  server.unref();
  server.on("secureConnection", (socket) => socket.unref());
}

/** Loopback addresses: only this machine can reach an emulator bound to one of them. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The well-known key is public: serving it beyond loopback lets anyone on the network in. */
function requireOwnKeyBeyondLoopback(host: string, key: string | undefined): void {
  if (isLoopback(host) || (key !== undefined && key !== WELL_KNOWN_EMULATOR_KEY)) return;
  throw new Error(
    `Listening on ${host} makes the emulator reachable from other machines, and the well-known emulator key is public: anyone could read and change its data. Give a key of your own (--key, a base64 string such as the output of \`openssl rand -base64 64\`), or listen on 127.0.0.1.`,
  );
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const key = options.key ?? WELL_KNOWN_EMULATOR_KEY;
  assertBase64Key(key);
  const host = options.host ?? "127.0.0.1";
  requireOwnKeyBeyondLoopback(host, options.key);
  const dataPath = options.dataPath === undefined ? undefined : path.resolve(options.dataPath);
  // Before anything in the folder is touched (certificate, snapshot, journal).
  const folderLock = dataPath === undefined ? undefined : lockFolder(dataPath);
  try {
    return await startOn(options, key, host, dataPath, () => folderLock?.release());
  } catch (error) {
    folderLock?.release();
    throw error;
  }
}

function lockFolder(dataPath: string) {
  mkdirSync(dataPath, { recursive: true });
  return lockDataFolder(dataPath);
}

async function startOn(
  options: EmulatorOptions,
  key: string,
  host: string,
  dataPath: string | undefined,
  releaseFolder: () => void,
): Promise<RunningEmulator> {
  const certificateDirectory =
    options.certificateDirectory ?? (dataPath ? path.join(dataPath, "tls") : defaultCertificateDirectory());
  const tls = await loadOrCreateCertificate(certificateDirectory);

  let journal: Awaited<ReturnType<typeof openDataDirectory>> | undefined;
  const store = new Store({ append: (mutations) => (journal ?? memoryJournal).append(mutations) });
  if (dataPath) journal = await openDataDirectory(store, dataPath);

  const timeouts: ClientTimeouts = { ...DEFAULT_CLIENT_TIMEOUTS, ...options.timeouts };
  const context: EmulatorContext = { store, locks: new KeyedLock(), accountId: ACCOUNT_ID, endpoint: "" };
  const server = createServer(
    {
      key: tls.key,
      cert: tls.cert,
      handshakeTimeout: timeouts.headersMs,
      // How often Node looks for clients over their time limits (its default is every 30 s).
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    },
    createRequestListener(context, routes, { key, auth: options.auth ?? "key", timeouts }),
  );
  server.keepAliveTimeout = 30_000;
  guardAgainstSlowAndMalformedClients(server, timeouts);
  const destroyOpenSockets = answerPlainHttpOnTlsPort(server, timeouts.headersMs);
  if (options.keepProcessAlive === false) letProcessExitAround(server);
  const address = await listen(server, options.port ?? 0, host);
  context.endpoint = endpointFor(host, address.port);

  let stopping: Promise<void> | undefined;
  return {
    endpoint: context.endpoint,
    key,
    ca: tls.cert,
    caPath: tls.certPath,
    stop: () =>
      (stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          destroyOpenSockets();
        });
        await journal?.close();
        releaseFolder();
      })()),
  };
}

export type { AuthMode };
export { DataFolderInUseError, lockDataFolder } from "./store/data-folder-lock";
