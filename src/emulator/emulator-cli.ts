/**
 * `npm run emulator -- [--port 8081] [--key KEY] [--data-path DIR] [--host 127.0.0.1] [--entra]`
 *
 * Starts the embedded emulator in the foreground, prints its endpoint and the CA certificate file
 * to trust, and stops cleanly on Ctrl-C or SIGTERM (pending journal writes are flushed first).
 */
import { parseArgs } from "node:util";
import { startEmulator, WELL_KNOWN_EMULATOR_KEY } from "./index";

const USAGE = `Usage: npm run emulator -- [--port 8081] [--key KEY] [--data-path DIR] [--host 127.0.0.1] [--entra]
  --port       TCP port (default 8081; 0 picks a free one)
  --key        account key clients sign with (default: the well-known emulator key)
  --data-path  folder that keeps the data across restarts (default: memory only)
  --host       interface to listen on (default 127.0.0.1); any other than loopback needs a --key of
               your own, since the well-known key is public
  --entra      also accept Microsoft Entra ID tokens (shape checked only, never verified)`;

const OPTIONS = {
  port: { type: "string", default: "8081" },
  key: { type: "string" },
  "data-path": { type: "string" },
  host: { type: "string", default: "127.0.0.1" },
  entra: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

function parseCommandLine() {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const values = parseCommandLine();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number from 0 to 65535, not '${values.port}'.`);
    process.exit(2);
  }
  const emulator = await startEmulator({
    port,
    host: values.host,
    auth: values.entra ? "key-and-entra" : "key",
    ...(values.key === undefined ? {} : { key: values.key }),
    ...(values["data-path"] === undefined ? {} : { dataPath: values["data-path"] }),
  });
  console.log(`Cosmos DB emulator listening at ${emulator.endpoint}`);
  console.log(`CA certificate to trust: ${emulator.caPath ?? "(in memory)"}`);
  console.log(`Data: ${values["data-path"] ?? "in memory (lost on exit)"}`);
  // Only say which key is in use, never print a custom one.
  console.log(
    `Key: ${emulator.key === WELL_KNOWN_EMULATOR_KEY ? "the well-known emulator key" : "the key given with --key"}`,
  );
  console.log("Press Ctrl-C to stop.");

  const shutdown = (signal: string): void => {
    console.log(`\n${signal}: stopping the emulator...`);
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`The emulator did not stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  console.error(
    code === "EADDRINUSE"
      ? "The port is already in use: stop the other emulator or choose another with --port."
      : `The emulator could not start: ${(error as Error).message}`,
  );
  process.exit(1);
});
