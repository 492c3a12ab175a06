/** The parent's side of bench/server-host.ts: start a server in its own process, ask for its usage, stop it. */
import { fork, type ChildProcess } from "node:child_process";
import https from "node:https";
import path from "node:path";
import { CosmosClient } from "@azure/cosmos";
import type { HostReply, HostRequest, ServerKind } from "./server-host";

export interface HostedServer {
  name: string;
  client: CosmosClient;
  /** CPU time (µs) the server's process has used so far, and its RSS (after a full GC when asked). */
  usage(collectGarbage?: boolean): Promise<{ cpuMicros: number; rssBytes: number }>;
  stop(): void;
}

function ask(child: ChildProcess, request: HostRequest): Promise<HostReply> {
  return new Promise((resolve, reject) => {
    child.once("message", (message: HostReply) =>
      "error" in message ? reject(new Error(message.error)) : resolve(message),
    );
    child.send(request);
  });
}

export async function hostServer(
  name: string,
  kind: ServerKind,
  ca: string,
  key: string,
  dataPath?: string,
): Promise<HostedServer> {
  const child = fork(path.join(__dirname, "server-host.ts"), [], {
    execArgv: ["--import", "tsx", "--expose-gc"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const started = await ask(child, { start: kind, ...(dataPath === undefined ? {} : { dataPath }) });
  if (!("endpoint" in started)) throw new Error(`${name} did not report its endpoint.`);
  const agent = new https.Agent({ ca, keepAlive: true });
  const client = new CosmosClient({ endpoint: started.endpoint, key, agent });
  return {
    name,
    client,
    async usage(collectGarbage = false) {
      const reply = await ask(child, { usage: true, collectGarbage });
      if (!("cpuMicros" in reply)) throw new Error(`${name} did not report its usage.`);
      return reply;
    },
    stop() {
      client.dispose();
      agent.destroy();
      child.kill();
    },
  };
}
