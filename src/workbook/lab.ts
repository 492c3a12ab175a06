/**
 * What the lab's cells need from the configuration, and the guard that lets any step run on its own.
 *
 * Step 1 of the lab constructs its `CosmosClient` and creates the database and container with the
 * SDK's own calls, written out in the cell. `labSettings()` supplies only what that construction
 * needs from `.env`: the endpoint, the credential, and an `https.Agent` that trusts the backend's
 * certificate (plumbing a learner should not have to type).
 *
 * Every later step starts with `openLab()`. tslab cannot run a cell that names a variable no
 * earlier cell of this kernel declared, so a step that relied on step 1's `container` would fail
 * on a fresh kernel with a compiler error. `openLab()` instead fetches the client, database and
 * container itself, and when step 1 has not created them yet it says so in one line.
 */
import type { Agent } from "node:https";
import type { Container, CosmosClient, Database } from "@azure/cosmos";
import { connect, explainError, WorkbookError, type ClientCredential, type Connection } from "./client";
import { loadConfig } from "./config";

export interface LabSettings {
  endpoint: string;
  /** Spread into the client's options; prints as `[redacted]`. */
  credential: ClientCredential;
  /** Verifies TLS against the backend's certificate; undefined when the system's CAs suffice. */
  agent: Agent | undefined;
  /** One line naming the backend, never a key. */
  description: string;
  databaseId: string;
  containerId: string;
  partitionKeyPath: string;
  throughput: number;
}

/**
 * The settings step 1 builds its `CosmosClient` from. The first call checks that the backend answers,
 * so a wrong endpoint, key, certificate or a missing `az login` fails here with one sentence.
 */
export async function labSettings(): Promise<LabSettings> {
  const connection = await connect(loadConfig());
  const { config } = connection;
  return {
    endpoint: connection.endpoint,
    credential: connection.credential,
    agent: connection.agent,
    description: connection.description,
    databaseId: config.databaseId,
    containerId: config.containerId,
    partitionKeyPath: config.partitionKeyPath,
    throughput: config.throughput,
  };
}

/** The lab's client, database and container, as step 1 left them. */
export interface OpenLab {
  client: CosmosClient;
  database: Database;
  container: Container;
}

/** A step ran before the step that prepares what it needs; the message names that step. */
export class StepOrderError extends WorkbookError {
  override name = "StepOrderError";
}

/**
 * The database and container step 1 created, read from the service (so this works on a fresh kernel
 * whenever they exist). Creates nothing: when they are missing it says to run step 1 first.
 */
export async function openLab(): Promise<OpenLab> {
  const connection = await connect(loadConfig());
  const { client, config } = connection;
  const database = client.database(config.databaseId);
  const container = database.container(config.containerId);
  await requireExisting(connection, container, "1");
  return { client, database, container };
}

/**
 * Reads `container` and turns a 404 into "Run step N first", naming what is missing. Other failures
 * get the workbook's one-sentence explanation.
 */
export async function requireExisting(connection: Connection, container: Container, step: string): Promise<void> {
  try {
    await container.read();
  } catch (error) {
    if (isNotFound(error)) {
      throw new StepOrderError(
        `Run step ${step} first: it creates the container "${container.id}" in the database ` +
          `"${container.database.id}", which does not exist yet on ${connection.description}.`,
      );
    }
    throw explainError(error, connection.config);
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === 404;
}
