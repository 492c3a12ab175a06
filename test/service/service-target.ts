/**
 * The tests' target when `npm run test:service` runs them: the account (or Microsoft's emulator, or
 * this project's emulator as a separate process) named in `.env` with a key, instead of an
 * embedded emulator per test file. Whatever databases a test file creates there, it deletes when
 * it is done; the databases that were there before are never touched.
 */
import { readFileSync } from "node:fs";
import https from "node:https";
import { CosmosClient, type CosmosClientOptions } from "@azure/cosmos";
import type { RunningEmulator } from "../../src/emulator/index";
import { loadConfig, type KeyConfig } from "../../src/workbook/config";

/** Set by `npm run test:service` (scripts/test-service.ts) once the run has been agreed to. */
export const SERVICE_TESTS_VARIABLE = "COSMOS_SERVICE_TESTS";

export const againstService = (): boolean => process.env[SERVICE_TESTS_VARIABLE] === "1";

/** The key configuration of `.env`; anything else cannot run the suite. */
export function serviceConfig(): KeyConfig {
  const config = loadConfig();
  if (config.backend !== "key") {
    throw new Error(
      "npm run test:service needs COSMOS_ENDPOINT and COSMOS_KEY in .env (Azure with a key, or an emulator): the tests create and delete databases, which Entra ID cannot do through the data plane.",
    );
  }
  return config;
}

export interface ServiceTarget {
  /** What the tests use of an emulator: its address, key and certificate (for signed raw requests). */
  emulator: RunningEmulator;
  client: CosmosClient;
  clientWith(options: Partial<CosmosClientOptions>): CosmosClient;
  stop(): Promise<void>;
}

export async function connectServiceTarget(): Promise<ServiceTarget> {
  const config = serviceConfig();
  const ca = config.caPath === undefined ? undefined : readFileSync(config.caPath, "utf8");
  const agent = new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) });
  const clients: CosmosClient[] = [];
  const clientWith = (overrides: Partial<CosmosClientOptions>): CosmosClient => {
    const client = new CosmosClient({
      endpoint: config.endpoint,
      key: config.key.reveal(),
      agent,
      ...overrides,
    } as CosmosClientOptions);
    clients.push(client);
    return client;
  };
  const client = clientWith({});
  const existing = new Set((await client.databases.readAll().fetchAll()).resources.map((database) => database.id));
  const emulator = { endpoint: config.endpoint, key: config.key.reveal(), ca: ca ?? "" } as unknown as RunningEmulator;
  return {
    emulator,
    client,
    clientWith,
    async stop() {
      const { resources } = await client.databases.readAll().fetchAll();
      for (const database of resources) if (!existing.has(database.id)) await client.database(database.id).delete();
      for (const each of clients) each.dispose();
      agent.destroy();
    },
  };
}
