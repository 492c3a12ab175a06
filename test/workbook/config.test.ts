import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  DEFAULT_THROUGHPUT,
  Secret,
  describeBackend,
  loadConfig,
  type WorkbookConfig,
} from "../../src/workbook/config";

const EMULATOR_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
const AZURE_ENDPOINT = "https://example.documents.azure.com:443/";
const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----\n";

function scratchDir(): string {
  return mkdtempSync(path.join(tmpdir(), "workbook-config-"));
}

function fromEnv(env: Record<string, string>): WorkbookConfig {
  return loadConfig({ env, envFile: false });
}

/** The ConfigError thrown for `env`, with its message. */
function problemWith(env: Record<string, string>, envFile: string | false = false): ConfigError {
  try {
    loadConfig({ env, envFile });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
}

function expectOneSentence(message: string): void {
  expect(message).toMatch(/^[A-Z].*\.$/s);
  expect(message).not.toMatch(/\.\s+[A-Z]/); // no second sentence
}

describe("loadConfig: choosing the backend", () => {
  it("uses the embedded emulator and the lab's names when nothing is set", () => {
    expect(fromEnv({})).toEqual({
      backend: "embedded-emulator",
      databaseId: "cosmicworks",
      containerId: "products",
      partitionKeyPath: "/categoryId",
      throughput: DEFAULT_THROUGHPUT,
    });
  });

  it("keeps embedded emulator data where COSMOS_EMULATOR_DATA_PATH says, resolved from the .env's folder", () => {
    const dir = scratchDir();
    const envFile = path.join(dir, ".env");
    writeFileSync(envFile, "COSMOS_EMULATOR_DATA_PATH=.cache/data\n");
    expect(loadConfig({ env: {}, envFile })).toMatchObject({
      backend: "embedded-emulator",
      emulatorDataPath: path.join(dir, ".cache/data"),
    });
  });

  it("uses key authentication when an endpoint and a key are set", () => {
    const config = fromEnv({ COSMOS_ENDPOINT: AZURE_ENDPOINT, COSMOS_KEY: EMULATOR_KEY });
    expect(config).toMatchObject({ backend: "key", endpoint: AZURE_ENDPOINT });
    expect(config.backend === "key" && config.key.reveal()).toBe(EMULATOR_KEY);
  });

  it("uses Microsoft Entra ID when only an endpoint is set", () => {
    expect(fromEnv({ COSMOS_ENDPOINT: AZURE_ENDPOINT })).toMatchObject({ backend: "entra", endpoint: AZURE_ENDPOINT });
  });

  it("accepts http:// with a key (Microsoft's emulator can serve plain HTTP)", () => {
    expect(fromEnv({ COSMOS_ENDPOINT: "http://localhost:8081/", COSMOS_KEY: EMULATOR_KEY }).backend).toBe("key");
  });

  it("reads names, partition key path and throughput from the environment", () => {
    const config = fromEnv({
      COSMOS_DATABASE: "shop",
      COSMOS_CONTAINER: "items",
      COSMOS_PARTITION_KEY_PATH: "/tenant/id",
      COSMOS_THROUGHPUT: "1000",
    });
    expect(config).toMatchObject({
      databaseId: "shop",
      containerId: "items",
      partitionKeyPath: "/tenant/id",
      throughput: 1000,
    });
  });

  it("trusts the PEM file named by COSMOS_CA, resolved from the .env's folder", () => {
    const dir = scratchDir();
    writeFileSync(path.join(dir, "emulator.pem"), PEM);
    writeFileSync(
      path.join(dir, ".env"),
      `COSMOS_ENDPOINT=https://localhost:8081/\nCOSMOS_KEY=${EMULATOR_KEY}\nCOSMOS_CA=./emulator.pem\n`,
    );
    expect(loadConfig({ env: {}, envFile: path.join(dir, ".env") })).toMatchObject({
      backend: "key",
      caPath: path.join(dir, "emulator.pem"),
    });
  });
});

describe("loadConfig: the .env file", () => {
  it("reads the file without changing process.env", () => {
    const envFile = path.join(scratchDir(), ".env");
    writeFileSync(envFile, `COSMOS_ENDPOINT=${AZURE_ENDPOINT}\nCOSMOS_DATABASE=from-file\n`);
    const before = { ...process.env };
    expect(loadConfig({ env: {}, envFile })).toMatchObject({ backend: "entra", databaseId: "from-file" });
    expect(process.env).toEqual(before);
  });

  it("lets explicit environment variables win over the file", () => {
    const envFile = path.join(scratchDir(), ".env");
    writeFileSync(envFile, "COSMOS_DATABASE=from-file\nCOSMOS_CONTAINER=from-file\n");
    expect(loadConfig({ env: { COSMOS_DATABASE: "from-env" }, envFile })).toMatchObject({
      databaseId: "from-env",
      containerId: "from-file",
    });
  });

  it("treats a missing file and blank values as unset", () => {
    expect(loadConfig({ env: {}, envFile: path.join(scratchDir(), "absent.env") }).backend).toBe("embedded-emulator");
    expect(fromEnv({ COSMOS_ENDPOINT: "  ", COSMOS_KEY: "" }).backend).toBe("embedded-emulator");
  });
});

describe("loadConfig: bad values throw one sentence that says what to fix", () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      "a malformed endpoint",
      { COSMOS_ENDPOINT: "not a url" },
      /^COSMOS_ENDPOINT is not an http\(s\) URL: set it to .*documents\.azure\.com/,
    ],
    ["a non-http endpoint", { COSMOS_ENDPOINT: "ftp://example.com/" }, /^COSMOS_ENDPOINT is not an http\(s\) URL/],
    [
      "an endpoint with a path",
      { COSMOS_ENDPOINT: "https://example.documents.azure.com/dbs/x" },
      /^COSMOS_ENDPOINT has a path or query/,
    ],
    [
      "http:// for Entra ID",
      { COSMOS_ENDPOINT: "http://example.com/" },
      /^COSMOS_ENDPOINT uses http:\/\/, but Microsoft Entra ID tokens are only sent over https:\/\/: .*set COSMOS_KEY/,
    ],
    [
      "a key that is not base64",
      { COSMOS_ENDPOINT: AZURE_ENDPOINT, COSMOS_KEY: "not-a-key!" },
      /^COSMOS_KEY is not a base64 account key: copy the primary key/,
    ],
    [
      "a key without an endpoint",
      { COSMOS_KEY: EMULATOR_KEY },
      /^COSMOS_KEY is set but COSMOS_ENDPOINT is not: set COSMOS_ENDPOINT .* or remove COSMOS_KEY/,
    ],
    ["a CA without an endpoint", { COSMOS_CA: "cert.pem" }, /^COSMOS_CA is set but COSMOS_ENDPOINT is not/],
    [
      "throughput below 400",
      { COSMOS_THROUGHPUT: "300" },
      /^COSMOS_THROUGHPUT must be a whole number of RU\/s, at least 400/,
    ],
    ["throughput that is not a number", { COSMOS_THROUGHPUT: "lots" }, /^COSMOS_THROUGHPUT must be a whole number/],
    ["throughput that is not an integer", { COSMOS_THROUGHPUT: "450.5" }, /^COSMOS_THROUGHPUT must be a whole number/],
    ["throughput not in steps of 100", { COSMOS_THROUGHPUT: "450" }, /multiple of 100/],
    [
      "a partition key path without a slash",
      { COSMOS_PARTITION_KEY_PATH: "categoryId" },
      /^COSMOS_PARTITION_KEY_PATH must be a JSON path that starts with "\/", like \/categoryId/,
    ],
    ["a database id with a slash", { COSMOS_DATABASE: "a/b" }, /^COSMOS_DATABASE is not a valid database id/],
    [
      "a container id with a question mark",
      { COSMOS_CONTAINER: "what?" },
      /^COSMOS_CONTAINER is not a valid container id/,
    ],
  ];

  it.each(cases)("%s", (_title, env, expected) => {
    const error = problemWith(env);
    expect(error.message).toMatch(expected);
    expectOneSentence(error.message);
  });

  it("names a COSMOS_CA file that does not exist, with its absolute path", () => {
    const dir = scratchDir();
    const envFile = path.join(dir, ".env");
    writeFileSync(envFile, `COSMOS_ENDPOINT=${AZURE_ENDPOINT}\nCOSMOS_CA=missing.pem\n`);
    const error = problemWith({}, envFile);
    expect(error.message).toBe(
      `COSMOS_CA names ${path.join(dir, "missing.pem")}, which does not exist: export the server's certificate there as a PEM file, or correct the path (relative paths start from the project folder).`,
    );
  });

  it("refuses a COSMOS_CA file that is not PEM", () => {
    const dir = scratchDir();
    const der = path.join(dir, "cert.cer");
    writeFileSync(der, Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    const error = problemWith({ COSMOS_ENDPOINT: AZURE_ENDPOINT, COSMOS_KEY: EMULATOR_KEY, COSMOS_CA: der });
    expect(error.message).toMatch(
      /^COSMOS_CA names .*cert\.cer, which is not a PEM certificate .*: export the certificate as Base-64 encoded X\.509 \(PEM\)\.$/,
    );
  });

  it("recognises a connection string pasted into COSMOS_ENDPOINT without repeating it", () => {
    const connectionString = `AccountEndpoint=${AZURE_ENDPOINT};AccountKey=${EMULATOR_KEY};`;
    const error = problemWith({ COSMOS_ENDPOINT: connectionString });
    expect(error.message).toMatch(
      /^COSMOS_ENDPOINT holds a connection string: put its AccountEndpoint part in COSMOS_ENDPOINT and its AccountKey part in COSMOS_KEY\.$/,
    );
    expect(error.message).not.toContain(EMULATOR_KEY);
  });

  it("lists every problem, and the message is the first", () => {
    const error = problemWith({ COSMOS_ENDPOINT: "nope", COSMOS_THROUGHPUT: "1" });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe(error.problems[0]);
  });
});

describe("the key never shows", () => {
  const config = fromEnv({ COSMOS_ENDPOINT: AZURE_ENDPOINT, COSMOS_KEY: EMULATOR_KEY });

  it("is absent from inspect, console-style formatting, JSON and string conversion", () => {
    expect(inspect(config, { depth: 10, showHidden: true })).not.toContain(EMULATOR_KEY);
    expect(JSON.stringify(config)).not.toContain(EMULATOR_KEY);
    expect(JSON.stringify(config)).toContain('"key":"[redacted]"');
    expect(`${config.backend === "key" ? config.key : ""}`).toBe("[redacted]");
    expect(inspect(new Secret("hunter2"))).toBe("[redacted]");
  });

  it("is absent from every error message, even when a message would quote the value", () => {
    const endpointHoldingKey = `https://example.com/${EMULATOR_KEY}`;
    const error = problemWith({ COSMOS_ENDPOINT: endpointHoldingKey, COSMOS_KEY: EMULATOR_KEY });
    expect(error.problems.join(" ")).not.toContain(EMULATOR_KEY);
    const badKey = problemWith({ COSMOS_ENDPOINT: AZURE_ENDPOINT, COSMOS_KEY: "bad key" });
    expect(badKey.message).not.toContain("bad key");
  });

  it("is absent from describeBackend", () => {
    expect(describeBackend(config)).toBe(`Azure Cosmos DB at ${AZURE_ENDPOINT} with a key`);
  });
});

describe("describeBackend", () => {
  it("names the embedded emulator, its address once known, and where its data lives", () => {
    const embedded = fromEnv({});
    expect(describeBackend(embedded, "https://127.0.0.1:50123/")).toBe(
      "embedded emulator at https://127.0.0.1:50123/ (data kept in memory)",
    );
    expect(describeBackend(embedded)).toBe(
      "embedded emulator on 127.0.0.1, started on first use (data kept in memory)",
    );
    const persisted = { ...embedded, emulatorDataPath: "/data/cosmos" };
    expect(describeBackend(persisted, "https://127.0.0.1:1/")).toBe(
      "embedded emulator at https://127.0.0.1:1/ (data saved in /data/cosmos)",
    );
  });

  it("says Entra ID, and calls a loopback endpoint an emulator", () => {
    expect(describeBackend(fromEnv({ COSMOS_ENDPOINT: AZURE_ENDPOINT }))).toBe(
      `Azure Cosmos DB at ${AZURE_ENDPOINT} with Microsoft Entra ID (DefaultAzureCredential)`,
    );
    expect(describeBackend(fromEnv({ COSMOS_ENDPOINT: "https://localhost:8081/", COSMOS_KEY: EMULATOR_KEY }))).toBe(
      "Cosmos DB emulator at https://localhost:8081/ with a key",
    );
  });
});
