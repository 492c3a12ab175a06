/**
 * Shared set-up for the emulator tests: one emulator per test file, and real @azure/cosmos clients
 * that trust its certificate through an https.Agent (TLS verification stays on).
 */
import https from "node:https";
import { CosmosClient, type CosmosClientOptions } from "@azure/cosmos";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/index";

export interface TestEmulator {
  emulator: RunningEmulator;
  client: CosmosClient;
  /** A client with other options (another key, Entra credentials, ...) for the same emulator. */
  clientWith(options: Partial<CosmosClientOptions>): CosmosClient;
  stop(): Promise<void>;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await startEmulator({ port: 0, ...options });
  const agent = new https.Agent({ ca: emulator.ca, keepAlive: true });
  const clients: CosmosClient[] = [];
  const clientWith = (overrides: Partial<CosmosClientOptions>): CosmosClient => {
    const client = new CosmosClient({
      endpoint: emulator.endpoint,
      key: emulator.key,
      agent,
      connectionPolicy: { enableEndpointDiscovery: true, retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 1 } },
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

/** A unique name per call, so tests in one file never collide. */
let counter = 0;
export const uniqueId = (prefix: string): string => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** The status code of a rejected SDK call (`error.code`). */
export async function statusOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code;
  }
}
