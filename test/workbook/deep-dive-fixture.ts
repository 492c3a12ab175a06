/**
 * A fresh embedded emulator and a real @azure/cosmos client for the deep-dive tests: HTTPS with the
 * emulator's own certificate trusted through an https.Agent (never by turning TLS checks off), and
 * the deep-dive containers prepared exactly as the notebook prepares them.
 */
import https from "node:https";
import { CosmosClient } from "@azure/cosmos";
import type { Connection } from "../../src/workbook/client";
import { loadConfig } from "../../src/workbook/config";
import { prepareDeepDiveContainers, type DeepDiveContainers } from "../../src/workbook/deep-dive-data";
import { startEmulator } from "../../src/emulator/index";

export interface DeepDiveFixture extends DeepDiveContainers {
  client: CosmosClient;
  close(): Promise<void>;
}

export async function startDeepDive(): Promise<DeepDiveFixture> {
  const emulator = await startEmulator({ port: 0 });
  const agent = new https.Agent({ ca: emulator.ca, keepAlive: true });
  const client = new CosmosClient({ endpoint: emulator.endpoint, key: emulator.key, agent });
  const connection: Pick<Connection, "client" | "config"> = {
    client,
    config: loadConfig({ env: {}, envFile: false }),
  };
  const containers = await prepareDeepDiveContainers(connection);
  return {
    ...containers,
    client,
    async close() {
      client.dispose();
      agent.destroy();
      await emulator.stop();
    },
  };
}
