/**
 * The emulator as its own Node process: `node dist/emulator/emulator-cli.js` started directly, so
 * the pid the test holds is the process that serves (a `tsx` wrapper would pass on no SIGKILL to
 * its child, which would keep running). dist/ is built by the suite's global setup.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { CosmosClient } from "@azure/cosmos";

export const EMULATOR_CLI = path.join(process.cwd(), "dist", "emulator", "emulator-cli.js");

export interface EmulatorProcess {
  child: ChildProcess;
  pid: number;
  endpoint: string;
  ca: string;
  /** A client that trusts the emulator's certificate and does not retry (a test counts every attempt). */
  client(key: string): CosmosClient;
  /** Resolves once the process has exited. */
  exited: Promise<number | null>;
  /** SIGKILL, and wait for the exit. */
  kill9(): Promise<void>;
}

/** Starts the CLI with `args` and resolves once it prints its endpoint and CA file. */
export function startEmulatorProcess(args: string[]): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [EMULATOR_CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the emulator did not start: ${output}`));
    }, 30_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const endpoint = /listening at (\S+)/.exec(output)?.[1];
      const caPath = /CA certificate to trust: (\S+)/.exec(output)?.[1];
      if (!endpoint || !caPath) return;
      clearTimeout(timer);
      const ca = readFileSync(caPath, "utf8");
      const agents: https.Agent[] = [];
      resolve({
        child,
        pid: child.pid ?? -1,
        endpoint,
        ca,
        client(key) {
          const agent = new https.Agent({ ca, keepAlive: true });
          agents.push(agent);
          return new CosmosClient({
            endpoint,
            key,
            agent,
            connectionPolicy: {
              retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 1 },
            },
          });
        },
        exited,
        async kill9() {
          child.kill("SIGKILL");
          await exited;
          for (const agent of agents) agent.destroy();
        },
      });
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code}: ${output}`));
    });
  });
}

/** Runs the CLI to its end (for start-up refusals) and returns its exit code and output. */
export function runEmulatorCli(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [EMULATOR_CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}
