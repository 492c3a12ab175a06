/**
 * Configuration: `.env` plus the process environment -> one validated, typed `WorkbookConfig`.
 *
 * Which backend the workbook talks to depends only on which variables are set:
 *
 * | set                                | backend                                          |
 * |------------------------------------|--------------------------------------------------|
 * | nothing                            | `embedded-emulator` (started in-process, loopback) |
 * | `COSMOS_ENDPOINT` + `COSMOS_KEY`   | `key` (Azure, or Microsoft's emulator)            |
 * | `COSMOS_ENDPOINT` alone            | `entra` (DefaultAzureCredential, i.e. `az login`) |
 *
 * The `.env` file is read with `dotenv.parse`, never `dotenv.config`: loading a configuration does not
 * change `process.env`, so re-running a notebook cell after editing `.env` sees the new file rather
 * than values injected by the previous run. Variables set in the real environment win over the file.
 *
 * A bad value throws `ConfigError` with one sentence naming the variable, what is wrong and how to fix
 * it. The account key is held in a `Secret`, which prints as `[redacted]` everywhere.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import { parse as parseDotenv } from "dotenv";
import { z } from "zod";
import { findProjectRoot } from "../shared/project-root";

export const DEFAULT_DATABASE_ID = "cosmicworks";
export const DEFAULT_CONTAINER_ID = "products";
export const DEFAULT_PARTITION_KEY_PATH = "/categoryId";
export const DEFAULT_THROUGHPUT = 400;

/** A value that must never be printed: inspect, JSON and string conversion all show `[redacted]`. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value, for the one place that needs it (the CosmosClient constructor). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[redacted]";
  }

  toJSON(): string {
    return "[redacted]";
  }

  [inspect.custom](): string {
    return "[redacted]";
  }
}

/** Names shared by every backend: where the lab's items live. */
export interface ContainerSettings {
  databaseId: string;
  containerId: string;
  partitionKeyPath: string;
  /** Manual throughput (RU/s) used when the container is created. */
  throughput: number;
}

export interface EmbeddedEmulatorConfig extends ContainerSettings {
  backend: "embedded-emulator";
  /** Folder where the emulator keeps its data between kernel restarts; in memory when absent. */
  emulatorDataPath?: string;
}

export interface KeyConfig extends ContainerSettings {
  backend: "key";
  endpoint: string;
  key: Secret;
  /** Absolute path of a PEM file whose certificates are trusted for this endpoint. */
  caPath?: string;
}

export interface EntraConfig extends ContainerSettings {
  backend: "entra";
  endpoint: string;
  caPath?: string;
}

export type WorkbookConfig = EmbeddedEmulatorConfig | KeyConfig | EntraConfig;
export type Backend = WorkbookConfig["backend"];

/** A configuration value is wrong; the message is one sentence that says which, why, and the fix. */
export class ConfigError extends Error {
  override name = "ConfigError";

  /** Every problem found, one sentence each; `message` is the first. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems[0] ?? "The configuration is invalid.");
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /** Variables that win over the `.env` file; `process.env` when omitted. */
  env?: NodeJS.ProcessEnv;
  /** The `.env` file to read: a path (relative to the cwd), or `false` for none. Default: the project's `.env`. */
  envFile?: string | false;
}

export function loadConfig(options: LoadConfigOptions = {}): WorkbookConfig {
  // From the cwd (a notebook's folder) first, then from this file's folder.
  const projectRoot = findProjectRoot(process.cwd()) ?? findProjectRoot(__dirname);
  const envFile = options.envFile === undefined ? defaultEnvFile(projectRoot) : options.envFile;
  const fromFile = envFile === false ? {} : readEnvFile(envFile);
  const variables = mergeVariables(fromFile, options.env ?? process.env);
  // Relative paths in .env mean "relative to the project", whatever folder the kernel runs in.
  const baseDir = envFile === false ? (projectRoot ?? process.cwd()) : path.dirname(path.resolve(envFile));
  return buildConfig(variables, baseDir);
}

/** One line that says where the workbook's data goes; never includes a key. */
export function describeBackend(config: WorkbookConfig, endpoint?: string): string {
  switch (config.backend) {
    case "embedded-emulator": {
      const where = endpoint === undefined ? "on 127.0.0.1, started on first use" : `at ${endpoint}`;
      const persistence =
        config.emulatorDataPath === undefined ? "data kept in memory" : `data saved in ${config.emulatorDataPath}`;
      return `embedded emulator ${where} (${persistence})`;
    }
    case "key":
      return `${serviceName(config.endpoint)} at ${config.endpoint} with a key`;
    case "entra":
      return `${serviceName(config.endpoint)} at ${config.endpoint} with Microsoft Entra ID (DefaultAzureCredential)`;
  }
}

function serviceName(endpoint: string): string {
  const host = new URL(endpoint).hostname;
  const isLoopback = host === "localhost" || host === "127.0.0.1" || host === "[::1]";
  return isLoopback ? "Cosmos DB emulator" : "Azure Cosmos DB";
}

// ---------------------------------------------------------------------------------------------
// Finding and reading .env

function defaultEnvFile(projectRoot: string | undefined): string | false {
  return projectRoot === undefined ? false : path.join(projectRoot, ".env");
}

/** A missing file is fine (the default is the embedded emulator); an unreadable one is not. */
function readEnvFile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    return parseDotenv(readFileSync(file));
  } catch (error) {
    throw new ConfigError([
      `The file ${file} cannot be read (${(error as Error).message}): fix its permissions or remove it.`,
    ]);
  }
}

const VARIABLE_NAMES = [
  "COSMOS_ENDPOINT",
  "COSMOS_KEY",
  "COSMOS_CA",
  "COSMOS_DATABASE",
  "COSMOS_CONTAINER",
  "COSMOS_PARTITION_KEY_PATH",
  "COSMOS_THROUGHPUT",
  "COSMOS_EMULATOR_DATA_PATH",
] as const;
type VariableName = (typeof VARIABLE_NAMES)[number];
type Variables = Partial<Record<VariableName, string>>;

/** Environment wins over the file; empty or blank values count as unset (as `KEY=` in a .env file). */
function mergeVariables(fromFile: Record<string, string>, env: NodeJS.ProcessEnv): Variables {
  const merged: Variables = {};
  for (const name of VARIABLE_NAMES) {
    const value = nonBlank(env[name]) ?? nonBlank(fromFile[name]);
    if (value !== undefined) merged[name] = value;
  }
  return merged;
}

function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

// ---------------------------------------------------------------------------------------------
// Validation: zod checks each variable, and its messages are our sentences.

const AZURE_ENDPOINT_EXAMPLE = "https://<account>.documents.azure.com:443/";

const endpointSchema = z
  .string()
  .refine((value) => !/AccountEndpoint=|AccountKey=/i.test(value), {
    message:
      "COSMOS_ENDPOINT holds a connection string: put its AccountEndpoint part in COSMOS_ENDPOINT and its AccountKey part in COSMOS_KEY.",
    abort: true,
  })
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: `COSMOS_ENDPOINT is not an http(s) URL: set it to your account's address, like ${AZURE_ENDPOINT_EXAMPLE}.`,
    abort: true,
  })
  .refine((value) => ["", "/"].includes(new URL(value).pathname) && new URL(value).search === "", {
    message: `COSMOS_ENDPOINT has a path or query after the host: keep only the account's address, like ${AZURE_ENDPOINT_EXAMPLE}.`,
  });

const keySchema = z.string().refine(isBase64Key, {
  message:
    "COSMOS_KEY is not a base64 account key: copy the primary key from the Keys page of your Cosmos DB account in the Azure portal (or use the emulator's well-known key).",
});

const throughputSchema = z
  .string()
  .refine((value) => /^\d+$/.test(value) && Number(value) >= 400 && Number(value) % 100 === 0, {
    message: "COSMOS_THROUGHPUT must be a whole number of RU/s, at least 400 and a multiple of 100, like 400.",
  })
  .transform(Number);

const partitionKeyPathSchema = z.string().regex(/^(\/[^/\s]+)+$/, {
  message: `COSMOS_PARTITION_KEY_PATH must be a JSON path that starts with "/", like ${DEFAULT_PARTITION_KEY_PATH}.`,
});

function resourceIdSchema(variable: string, what: string) {
  return z.string().refine((value) => value.length <= 255 && !/[/\\#?]/.test(value), {
    message: `${variable} is not a valid ${what} id: use at most 255 characters and none of / \\ # ?.`,
  });
}

const variablesSchema = z.object({
  COSMOS_ENDPOINT: endpointSchema.optional(),
  COSMOS_KEY: keySchema.optional(),
  COSMOS_CA: z.string().optional(),
  COSMOS_DATABASE: resourceIdSchema("COSMOS_DATABASE", "database").default(DEFAULT_DATABASE_ID),
  COSMOS_CONTAINER: resourceIdSchema("COSMOS_CONTAINER", "container").default(DEFAULT_CONTAINER_ID),
  COSMOS_PARTITION_KEY_PATH: partitionKeyPathSchema.default(DEFAULT_PARTITION_KEY_PATH),
  COSMOS_THROUGHPUT: throughputSchema.default(DEFAULT_THROUGHPUT),
  COSMOS_EMULATOR_DATA_PATH: z.string().optional(),
});
type ValidVariables = z.output<typeof variablesSchema>;

function isBase64Key(value: string): boolean {
  return value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

function buildConfig(variables: Variables, baseDir: string): WorkbookConfig {
  const parsed = variablesSchema.safeParse(variables);
  if (!parsed.success) {
    throw new ConfigError(
      redactAll(
        parsed.error.issues.map((issue) => issue.message),
        variables.COSMOS_KEY,
      ),
    );
  }
  const valid = parsed.data;
  const settings: ContainerSettings = {
    databaseId: valid.COSMOS_DATABASE,
    containerId: valid.COSMOS_CONTAINER,
    partitionKeyPath: valid.COSMOS_PARTITION_KEY_PATH,
    throughput: valid.COSMOS_THROUGHPUT,
  };
  try {
    return chooseBackend(valid, settings, baseDir);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(redactAll(error.problems, variables.COSMOS_KEY));
    throw error;
  }
}

function chooseBackend(valid: ValidVariables, settings: ContainerSettings, baseDir: string): WorkbookConfig {
  const { COSMOS_ENDPOINT: endpoint, COSMOS_KEY: key, COSMOS_CA: ca } = valid;
  if (endpoint === undefined) {
    if (key !== undefined) {
      throw new ConfigError([
        `COSMOS_KEY is set but COSMOS_ENDPOINT is not: set COSMOS_ENDPOINT to your account's address (like ${AZURE_ENDPOINT_EXAMPLE}), or remove COSMOS_KEY to use the embedded emulator.`,
      ]);
    }
    if (ca !== undefined) {
      throw new ConfigError([
        "COSMOS_CA is set but COSMOS_ENDPOINT is not: the embedded emulator brings its own certificate, so remove COSMOS_CA or set COSMOS_ENDPOINT to the server that certificate belongs to.",
      ]);
    }
    const dataPath = valid.COSMOS_EMULATOR_DATA_PATH;
    return {
      backend: "embedded-emulator",
      ...settings,
      ...(dataPath === undefined ? {} : { emulatorDataPath: path.resolve(baseDir, dataPath) }),
    };
  }
  const caPath = ca === undefined ? undefined : checkCaFile(path.resolve(baseDir, ca));
  const tls = caPath === undefined ? {} : { caPath };
  if (key !== undefined) return { backend: "key", endpoint, key: new Secret(key), ...tls, ...settings };
  if (new URL(endpoint).protocol === "http:") {
    throw new ConfigError([
      "COSMOS_ENDPOINT uses http://, but Microsoft Entra ID tokens are only sent over https://: use the https:// address of your account, or set COSMOS_KEY to use key authentication.",
    ]);
  }
  return { backend: "entra", endpoint, ...tls, ...settings };
}

/** Returns the path when it names a readable PEM file holding at least one certificate. */
function checkCaFile(caPath: string): string {
  if (!existsSync(caPath) || !statSync(caPath).isFile()) {
    throw new ConfigError([
      `COSMOS_CA names ${caPath}, which does not exist: export the server's certificate there as a PEM file, or correct the path (relative paths start from the project folder).`,
    ]);
  }
  if (!readFileSync(caPath, "latin1").includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError([
      `COSMOS_CA names ${caPath}, which is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line): export the certificate as Base-64 encoded X.509 (PEM).`,
    ]);
  }
  return caPath;
}

/** Last line of defence: whatever a message quotes, it never carries the key. */
function redactAll(messages: readonly string[], key: string | undefined): string[] {
  if (key === undefined || key === "") return [...messages];
  return messages.map((message) => message.split(key).join("[redacted]"));
}
