/**
 * `connect` and `prepareContainer` with the real @azure/cosmos client over HTTPS against the embedded
 * emulator: reuse of one emulator across calls and module reloads, key authentication with COSMOS_CA,
 * and the one-sentence errors for the usual mistakes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CredentialUnavailableError, type TokenCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig, type WorkbookConfig } from "../../src/workbook/config";
import {
  closeConnections,
  closeEmbeddedEmulator,
  connect,
  explainError,
  prepareContainer,
  WorkbookError,
} from "../../src/workbook/client";
import { startEmulator } from "../../src/emulator/index";
import { TslabKernel } from "../../src/tools/notebook/kernel";
import { outputsToText } from "../../src/tools/notebook/outputs";

const KNOWN_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
const OTHER_KEY = Buffer.alloc(64, 7).toString("base64");

const embedded = (): WorkbookConfig => loadConfig({ env: {}, envFile: false });

afterAll(async () => {
  await closeConnections();
});

describe("connect to the embedded emulator", () => {
  it("starts it on first use and describes where it runs", async () => {
    const connection = await connect(embedded());
    expect(connection.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(connection.description).toBe(`embedded emulator at ${connection.endpoint} (data kept in memory)`);
    const { resource } = await connection.client.getDatabaseAccount();
    expect(resource).toBeDefined();
  });

  it("reuses the same emulator and client on a second connect", async () => {
    const first = await connect(embedded());
    const second = await connect(embedded());
    expect(second.endpoint).toBe(first.endpoint);
    expect(second.client).toBe(first.client);
  });

  it("reuses them after the module is reloaded, as tslab does when an import cell re-runs", async () => {
    const before = await connect(embedded());
    vi.resetModules();
    const reloaded: typeof import("../../src/workbook/client.js") = await import("../../src/workbook/client.js");
    const configModule: typeof import("../../src/workbook/config.js") = await import("../../src/workbook/config.js");
    const after = await reloaded.connect(configModule.loadConfig({ env: {}, envFile: false }));
    expect(after.endpoint).toBe(before.endpoint);
    expect(after.client).toBe(before.client);
  });

  it("prepares the lab's database and container, and preparing again changes nothing", async () => {
    const connection = await connect(embedded());
    const { database, container } = await prepareContainer(connection);
    expect(database.id).toBe("cosmicworks");
    expect(container.id).toBe("products");
    const { resource } = await container.read();
    expect(resource?.partitionKey?.paths).toEqual(["/categoryId"]);
    const again = await prepareContainer(connection);
    expect(again.container.id).toBe("products");
  });

  it("refuses an existing container whose partition key differs from the configuration", async () => {
    const connection = await connect({ ...embedded(), containerId: "keyed-by-name", partitionKeyPath: "/name" });
    await prepareContainer(connection);
    const mismatched = { ...connection, config: { ...connection.config, partitionKeyPath: "/categoryId" } };
    await expect(prepareContainer(mismatched)).rejects.toThrow(
      'The container "keyed-by-name" already exists with partition key /name, not /categoryId: delete it, or set COSMOS_CONTAINER to another name (or COSMOS_PARTITION_KEY_PATH to /name).',
    );
  });

  it("starts a fresh emulator after closeEmbeddedEmulator", async () => {
    const before = await connect(embedded());
    await closeEmbeddedEmulator();
    const after = await connect(embedded());
    expect(after.client).not.toBe(before.client);
    await expect(after.client.getDatabaseAccount()).resolves.toBeDefined();
  });
});

describe("a plain Node script that uses the embedded emulator", () => {
  it("ends by itself once its work is done: the emulator does not hold the process open", () => {
    const script = `
      const { connect, prepareContainer, runBatch } = require(${JSON.stringify(path.resolve("dist/workbook"))});
      (async () => {
        const { container } = await prepareContainer(await connect());
        const outcome = await runBatch(container, "x", [{ operationType: "Upsert", resourceBody: { id: "a", categoryId: "x" } }]);
        console.log(outcome.kind);
      })();`;
    const run = spawnSync(process.execPath, ["-e", script], { cwd: tmpdir(), encoding: "utf8", timeout: 20_000 });

    expect(run.signal, "the script was still running after 20 s").toBeNull();
    expect(run.stdout.trim()).toBe("committed");
    expect(run.status).toBe(0);
  });
});

describe("connect inside a real tslab kernel (compiled dist/, as the notebooks import it)", () => {
  let kernel: TslabKernel;
  const dist = (name: string) => JSON.stringify(path.resolve(__dirname, "../../dist/workbook", name));
  const importCell =
    `import { connect, prepareContainer } from ${dist("client")};\n` +
    `import { loadConfig } from ${dist("config")};\n`;

  beforeAll(async () => {
    // A folder inside the project, like notebooks/: tslab declares each cell's variables, and a type
    // from @azure/cosmos can only be named where the project's node_modules resolve.
    kernel = await TslabKernel.start({ cwd: __dirname });
  });

  afterAll(async () => {
    await kernel?.shutdown();
  });

  it("keeps one emulator and client when the import cell and the connect cell run again", async () => {
    const first = await kernel.execute(
      `${importCell}const first = await connect(loadConfig({ env: {}, envFile: false }));\n` +
        "const { container } = await prepareContainer(first);\nconsole.log(first.description);",
    );
    expect(first.status).toBe("ok");
    expect(outputsToText(first.outputs)).toMatch(
      /^embedded emulator at https:\/\/127\.0\.0\.1:\d+\/ \(data kept in memory\)\n$/,
    );
    const again = await kernel.execute(
      `${importCell}const second = await connect(loadConfig({ env: {}, envFile: false }));\n` +
        "console.log(second.endpoint === first.endpoint, second.client === first.client);",
    );
    expect(again.status).toBe("ok");
    expect(outputsToText(again.outputs)).toBe("true true\n");
  });
});

describe("connect with a key (an emulator started with a known key, trusted through COSMOS_CA)", () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let caFile: string;

  beforeAll(async () => {
    emulator = await startEmulator({ key: KNOWN_KEY });
    caFile = emulator.caPath ?? path.join(mkdtempSync(path.join(tmpdir(), "workbook-ca-")), "emulator.pem");
    if (emulator.caPath === undefined) writeFileSync(caFile, emulator.ca);
  });

  afterAll(async () => {
    await closeConnections();
    await emulator?.stop();
  });

  const keyConfig = (overrides: Record<string, string> = {}) =>
    loadConfig({
      env: { COSMOS_ENDPOINT: emulator.endpoint, COSMOS_KEY: KNOWN_KEY, COSMOS_CA: caFile, ...overrides },
      envFile: false,
    });

  it("reads and writes through the key backend, describing it without the key", async () => {
    const connection = await connect(keyConfig());
    expect(connection.config.backend).toBe("key");
    expect(connection.description).toBe(`Cosmos DB emulator at ${emulator.endpoint} with a key`);
    const { container } = await prepareContainer(connection);
    await container.items.upsert({ id: "probe", categoryId: "c" });
    const { resource } = await container.item("probe", "c").read();
    expect(resource?.id).toBe("probe");
  });

  it("explains a rejected key in one sentence (401)", async () => {
    const attempt = connect(keyConfig({ COSMOS_KEY: OTHER_KEY }));
    await expect(attempt).rejects.toBeInstanceOf(WorkbookError);
    await expect(attempt).rejects.toThrow(/rejected COSMOS_KEY \(401 Unauthorized\): copy the primary key again/);
    await attempt.catch((error: Error) => expect(error.message).not.toContain(OTHER_KEY));
  });

  it("explains an untrusted certificate (no COSMOS_CA) instead of turning TLS checks off", async () => {
    const untrusted = loadConfig({
      env: { COSMOS_ENDPOINT: emulator.endpoint, COSMOS_KEY: KNOWN_KEY },
      envFile: false,
    });
    await expect(connect(untrusted)).rejects.toThrow(
      /^The TLS certificate of https:\/\/127\.0\.0\.1:\d+\/ is not trusted \([A-Z_]+\): set COSMOS_CA/,
    );
  });
});

/** A JWT-shaped token, as `az login` would give; the emulator's Entra mode checks its shape, not its signature. */
const signedIn: TokenCredential = {
  getToken: async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    return {
      token: `${part({ alg: "none" })}.${part({ oid: "learner" })}.c2ln`,
      expiresOnTimestamp: Date.now() + 3_600_000,
    };
  },
};

describe("Microsoft Entra ID (the emulator's Entra mode applies the data-plane rules of the service)", () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let caFile: string;

  beforeAll(async () => {
    emulator = await startEmulator({ auth: "key-and-entra" });
    caFile = emulator.caPath ?? path.join(mkdtempSync(path.join(tmpdir(), "workbook-ca-")), "emulator.pem");
    if (emulator.caPath === undefined) writeFileSync(caFile, emulator.ca);
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  it("tells the learner to run az login when no credential is available", async () => {
    const noSignIn: TokenCredential = {
      getToken: async () => {
        throw new CredentialUnavailableError(
          "DefaultAzureCredential failed to retrieve a token from the included credentials.",
        );
      },
    };
    const config = loadConfig({ env: { COSMOS_ENDPOINT: emulator.endpoint, COSMOS_CA: caFile }, envFile: false });
    const attempt = connect(config, { credential: noSignIn });
    await expect(attempt).rejects.toBeInstanceOf(WorkbookError);
    await expect(attempt).rejects.toThrow(
      /^No Microsoft Entra ID sign-in is available for DefaultAzureCredential: run `az login`/,
    );
  });

  const entraConfig = (databaseId: string) =>
    loadConfig({
      env: { COSMOS_ENDPOINT: emulator.endpoint, COSMOS_CA: caFile, COSMOS_DATABASE: databaseId },
      envFile: false,
    });

  it("explains 403 / sub-status 5300 when the identity would have to create the database", async () => {
    const connection = await connect(entraConfig("entra-missing"), { credential: signedIn });
    expect(connection.description).toBe(
      `Cosmos DB emulator at ${emulator.endpoint} with Microsoft Entra ID (DefaultAzureCredential)`,
    );
    const attempt = prepareContainer(connection);
    await expect(attempt).rejects.toBeInstanceOf(WorkbookError);
    await expect(attempt).rejects.toThrow(
      /^Your Microsoft Entra identity cannot create databases or containers through the data plane \(403, sub-status 5300\): create them once with `az cosmosdb sql database create .* --name entra-missing` and `az cosmosdb sql container create .* --partition-key-path \/categoryId --throughput 400` \(or in the Azure portal's Data Explorer\), then run this cell again\.$/,
    );
    connection.client.dispose();
  });

  it("works with items once the database and container exist (created with the key, as az would)", async () => {
    const byKey = await connect(
      loadConfig({
        env: {
          COSMOS_ENDPOINT: emulator.endpoint,
          COSMOS_KEY: emulator.key,
          COSMOS_CA: caFile,
          COSMOS_DATABASE: "entra-ready",
        },
        envFile: false,
      }),
    );
    await prepareContainer(byKey);
    const byEntra = await connect(entraConfig("entra-ready"), { credential: signedIn });
    const { container } = await prepareContainer(byEntra);
    await container.items.create({ id: "from-entra", categoryId: "c" });
    expect((await container.item("from-entra", "c").read()).resource?.id).toBe("from-entra");
    byEntra.client.dispose();
  });
});

describe("connect to an address where nothing listens", () => {
  it("says nothing answers there, naming the endpoint and the network error", async () => {
    const config = loadConfig({
      env: { COSMOS_ENDPOINT: "https://127.0.0.1:9/", COSMOS_KEY: KNOWN_KEY },
      envFile: false,
    });
    await expect(connect(config)).rejects.toThrow(
      "Nothing answers at https://127.0.0.1:9/ (ECONNREFUSED): check COSMOS_ENDPOINT, your network, and that the emulator or account is running.",
    );
  });
});

describe("explainError", () => {
  const entra = loadConfig({ env: { COSMOS_ENDPOINT: "https://example.documents.azure.com:443/" }, envFile: false });

  it("turns 403 with sub-status 5300 into how to create the database and container", () => {
    const forbidden = Object.assign(new Error("Request blocked by Auth"), { code: 403, substatus: 5300 });
    const explained = explainError(forbidden, entra) as Error;
    expect(explained).toBeInstanceOf(WorkbookError);
    expect(explained.message).toMatch(
      /^Your Microsoft Entra identity cannot create databases or containers through the data plane \(403, sub-status 5300\): /,
    );
    expect(explained.message).toContain("az cosmosdb sql database create");
    expect(explained.message).toContain("--partition-key-path /categoryId --throughput 400");
    expect(explained.cause).toBe(forbidden);
  });

  it("finds a credential error wrapped as a cause, and leaves unknown errors alone", () => {
    const wrapped = new Error("request failed", { cause: new CredentialUnavailableError("no az") });
    expect((explainError(wrapped, entra) as Error).message).toMatch(/run `az login`/);
    const unknown = new Error("something else");
    expect(explainError(unknown, entra)).toBe(unknown);
  });
});
