/**
 * A client below the SDK for what no well-behaved client sends: requests written byte by byte
 * on a TLS socket (declared sizes that never arrive, headers that trickle in), plain HTTP to the
 * TLS port, and master-key signatures computed here, independently of the emulator's code.
 */
import { createHmac } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import type { RunningEmulator } from "../../../src/emulator/index";

/** The headers of a request signed with `key` (the emulator's own by default). */
export function signedHeaders(
  emulator: Pick<RunningEmulator, "key">,
  method: string,
  resourceType: string,
  resourceLink: string,
  key = emulator.key,
): Record<string, string> {
  const date = new Date().toUTCString();
  const text = `${method.toLowerCase()}\n${resourceType.toLowerCase()}\n${resourceLink}\n${date.toLowerCase()}\n\n`;
  const signature = createHmac("sha256", Buffer.from(key, "base64")).update(text).digest("base64");
  return {
    "x-ms-date": date,
    "x-ms-version": "2020-07-15",
    authorization: encodeURIComponent(`type=master&ver=1.0&sig=${signature}`),
  };
}

/** An HTTP/1.1 request head: request line, headers, blank line. */
export function requestHead(method: string, path: string, headers: Record<string, string>): string {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    "host: 127.0.0.1",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join("\r\n")}\r\n\r\n`;
}

export interface RawExchange {
  /** The status of the first response line, or undefined when none came. */
  status?: number;
  /** Everything the server sent. */
  text: string;
  /** How the exchange ended: the server closed, the socket failed, or the test stopped waiting. */
  ended: "closed" | "error" | "waited";
  /** Milliseconds from connecting to the end. */
  elapsedMs: number;
}

type Write = (socket: net.Socket) => Promise<void> | void;

function exchange(socket: net.Socket, write: Write, waitMs: number): Promise<RawExchange> {
  const started = Date.now();
  return new Promise((resolve) => {
    let text = "";
    let settled = false;
    const finish = (ended: RawExchange["ended"]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ ...(status ? { status: Number(status) } : {}), text, ended, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish("waited"), waitMs);
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
    });
    socket.on("close", () => finish("closed"));
    socket.on("error", () => finish("error"));
    Promise.resolve(write(socket)).catch(() => finish("error"));
  });
}

/** Opens a TLS connection that trusts the emulator's CA, runs `write`, and collects the answer. */
export function overTls(emulator: Pick<RunningEmulator, "endpoint" | "ca">, write: Write, waitMs = 5_000) {
  const { hostname, port } = new URL(emulator.endpoint);
  return new Promise<RawExchange>((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), ca: emulator.ca, servername: undefined });
    socket.once("secureConnect", () => resolve(exchange(socket, write, waitMs)));
    socket.once("error", reject);
  });
}

/** Opens a plain TCP connection (no TLS at all) and collects the answer. */
export function overPlainTcp(emulator: Pick<RunningEmulator, "endpoint">, write: Write, waitMs = 5_000) {
  const { hostname, port } = new URL(emulator.endpoint);
  const socket = net.connect({ host: hostname, port: Number(port) });
  return exchange(socket, write, waitMs);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
