/**
 * A child process that hosts one server for the benchmark, so its CPU time and memory are its own
 * and the SDK's work in the parent does not count against it. Speaks to the parent over IPC:
 *   parent -> { start: ServerKind, dataPath? }    child -> { endpoint }
 *   parent -> { usage: true, collectGarbage }     child -> { cpuMicros, rssBytes }
 * (memory is read after a full GC; CPU readings must not pay for one, or it would count as work)
 */
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import { startEmulator } from "../src/emulator/index";
import { defaultCertificateDirectory, loadOrCreateCertificate } from "../src/emulator/http/tls";
import { vercelServer } from "./vercel-server";

export type ServerKind = "emulator" | "vercel";

export type HostRequest = { start: ServerKind; dataPath?: string } | { usage: true; collectGarbage: boolean };
export type HostReply = { endpoint: string } | { cpuMicros: number; rssBytes: number } | { error: string };

async function startVercel(): Promise<string> {
  // Its bundled certificate expired in 2021 and names no host: serve the emulator's instead, so
  // both servers do the same TLS work and the client verifies both the same way.
  const tls = await loadOrCreateCertificate(defaultCertificateDirectory());
  const server: Server = vercelServer().createHttpsServer({ key: tls.key, cert: tls.cert });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function start(kind: ServerKind, dataPath: string | undefined): Promise<string> {
  if (kind === "vercel") return startVercel();
  // One certificate for every server of the run, so the client trusts them all the same way.
  const certificateDirectory = defaultCertificateDirectory();
  const emulator = await startEmulator(
    dataPath === undefined ? { certificateDirectory } : { dataPath, certificateDirectory },
  );
  return emulator.endpoint;
}

function usage(collectGarbage: boolean): HostReply {
  if (collectGarbage) globalThis.gc?.();
  const cpu = process.cpuUsage();
  return { cpuMicros: cpu.user + cpu.system, rssBytes: process.memoryUsage().rss };
}

function reply(message: HostReply): void {
  process.send?.(message);
}

process.on("message", (request: HostRequest) => {
  if ("usage" in request) reply(usage(request.collectGarbage));
  else
    start(request.start, request.dataPath).then(
      (endpoint) => reply({ endpoint }),
      (error: unknown) => reply({ error: (error as Error).message }),
    );
});
process.on("disconnect", () => process.exit(0));
