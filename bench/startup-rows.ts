/** How long each server takes to answer: from its CLI, and started in-process with a cached certificate. */
import { spawn } from "node:child_process";
import type { Server } from "node:https";
import https from "node:https";
import path from "node:path";
import { startEmulator } from "../src/emulator/index";
import type { TlsMaterial } from "../src/emulator/http/tls";
import type { BenchRow } from "./bench-table";
import { median } from "./statistics";
import { vercelServer } from "./vercel-server";

const ROOT = path.join(__dirname, "..");

/** Any HTTP answer counts: the server has its socket, its TLS and its request handling up. */
function firstAnswer(endpoint: string, ca: string): Promise<void> {
  return new Promise((resolve, reject) => {
    https
      .get(endpoint, { ca, agent: false }, (response) => {
        response.resume();
        response.on("end", resolve);
      })
      .on("error", reject);
  });
}

/** Spawns `args`, waits for a line with an https URL, then for the first answer there (ms). */
function timeCli(args: string[], ca: string): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise<number>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const endpoint = /https:\/\/127\.0\.0\.1:\d+\//.exec(output)?.[0];
      if (endpoint === undefined) return;
      child.stdout.removeAllListeners("data");
      firstAnswer(endpoint, ca).then(() => resolve(performance.now() - startedAt), reject);
    });
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code} before answering.`)));
  }).finally(() => child.kill());
}

async function timeInProcess(kind: "emulator" | "vercel", tls: TlsMaterial): Promise<number> {
  if (kind === "emulator") {
    const startedAt = performance.now();
    const emulator = await startEmulator({ keepProcessAlive: false });
    const elapsed = performance.now() - startedAt;
    await emulator.stop();
    return elapsed;
  }
  // Looked up before the clock starts, as the emulator's module is imported before it.
  const { createHttpsServer } = vercelServer();
  const startedAt = performance.now();
  const server: Server = createHttpsServer({ key: tls.key, cert: tls.cert });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const elapsed = performance.now() - startedAt;
  await new Promise((resolve) => server.close(resolve));
  return elapsed;
}

export async function startupRows(tls: TlsMaterial, rounds: number): Promise<BenchRow[]> {
  const cli = { emulator: [] as number[], vercel: [] as number[] };
  const inProcess = { emulator: [] as number[], vercel: [] as number[] };
  const commands = {
    emulator: ["dist/emulator/emulator-cli.js", "--port", "0"],
    vercel: ["bench/yardstick/vercel-https-cli.cjs", path.join(path.dirname(tls.certPath), "emulator-tls.json")],
  };
  // Module loading is measured by the CLI rows; the in-process rows start after a first warm-up.
  await timeInProcess("emulator", tls);
  await timeInProcess("vercel", tls);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (["emulator", "vercel"] as const) : (["vercel", "emulator"] as const);
    for (const kind of order) {
      cli[kind].push(await timeCli(commands[kind], tls.cert));
      inProcess[kind].push(await timeInProcess(kind, tls));
    }
  }
  const section = "Start-up";
  return [
    {
      section,
      name: "CLI to first answer p50",
      unit: "ms",
      values: { emulator: median(cli.emulator), vercel: median(cli.vercel) },
      ratioOf: ["emulator", "vercel"],
      target: { text: "emulator < 300 ms", met: (row) => (row.values.emulator ?? 1e9) < 300 },
    },
    {
      section,
      name: "in-process, cached certificate p50",
      unit: "ms",
      values: { emulator: median(inProcess.emulator), vercel: median(inProcess.vercel) },
      ratioOf: ["emulator", "vercel"],
      target: { text: "emulator < 5 ms", met: (row) => (row.values.emulator ?? 1e9) < 5 },
    },
  ];
}
