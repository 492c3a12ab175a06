/**
 * A tslab kernel driven directly over ZeroMQ, without Jupyter or Python.
 *
 * tslab's `kernel` command is a Node program that speaks Jupyter's messaging protocol. We write a
 * connection file (loopback ports, a random key), start the kernel with the notebook's folder as its
 * working directory (tslab compiles cells relative to it), send `execute_request`s on the shell
 * socket and collect each cell's outputs from iopub.
 *
 * `execute` reports what the kernel said and nothing more: it does not protect against tslab's
 * abort window after a failed cell (see run.ts), so tests can observe the raw behaviour.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import { MessageSigner, type JupyterMessage } from "./protocol";
import { collectOutput, type PendingOutputs } from "./outputs";
import type { Output } from "./nbformat";
import { tslabBinary } from "../project-paths";

export interface KernelStartOptions {
  /** The kernel's working directory: the notebook's folder, as Jupyter does. */
  cwd: string;
  /** Environment of the kernel process; defaults to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the kernel to answer `kernel_info_request`. */
  startTimeoutMs?: number;
}

/** tslab replies `abort` (the spec spells it `aborted`; both are normalised to `abort`). */
export type ExecuteStatus = "ok" | "error" | "abort";

export interface ExecuteOptions {
  /** After this long the kernel is interrupted (SIGINT); see `ExecuteResult.timedOut`. */
  timeoutMs?: number;
}

export interface ExecuteResult {
  status: ExecuteStatus;
  outputs: Output[];
  executionCount: number | null;
  durationMs: number;
  /** The cell overran its time and was interrupted; the status is what the kernel replied afterwards. */
  timedOut: boolean;
}

export class KernelError extends Error {
  override name = "KernelError";
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_EXECUTE_TIMEOUT_MS = 120_000;
/** iopub is a PUB socket: our subscription joins some time after connect, so kernel_info is re-sent. */
const KERNEL_INFO_RETRY_MS = 250;
/** After an interrupt, how long the kernel may take to answer before it is considered stuck. */
const INTERRUPT_GRACE_MS = 3_000;
/** If the reply came but `idle` never does, stop waiting after this long rather than hang. */
const IDLE_AFTER_REPLY_GRACE_MS = 2_000;
const SHUTDOWN_REPLY_TIMEOUT_MS = 2_000;
/** After replying, tslab closes its sockets; a timer left by a cell can still keep it alive, hence the kill. */
const EXIT_AFTER_SHUTDOWN_MS = 500;
const DIAGNOSTIC_TAIL_CHARS = 4_000;

interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  key: string;
  signature_scheme: "hmac-sha256";
  shell_port: number;
  iopub_port: number;
  control_port: number;
  stdin_port: number;
  hb_port: number;
  kernel_name: string;
}

interface PendingExecution extends PendingOutputs {
  reply?: JupyterMessage;
  idle: boolean;
  settle: () => void;
}

/** Kernels of this process that are still running; killed if the process exits without shutting them down. */
const liveKernels = new Set<ChildProcess>();
let exitHookInstalled = false;

export class TslabKernel {
  /** Milliseconds from spawning the process to the first `kernel_info_reply`. */
  startupMs = 0;
  /** When the last `error` reply arrived (performance.now()); run.ts waits out tslab's abort window after it. */
  lastErrorReplyAt: number | undefined;
  /** Messages dropped because their signature did not verify. */
  rejectedMessages = 0;

  private readonly shell = new zmq.Dealer();
  private readonly control = new zmq.Dealer();
  private readonly iopub = new zmq.Subscriber();
  private readonly shellWaiters = new Map<string, (reply: JupyterMessage) => void>();
  private readonly iopubListeners = new Map<string, (message: JupyterMessage) => void>();
  private readonly executions = new Map<string, PendingExecution>();
  private processOutput = "";
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private closed = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: ConnectionInfo,
    private readonly signer: MessageSigner,
    private readonly tempDir: string,
  ) {}

  /** Starts a kernel and resolves once it answers on shell and its iopub output reaches us. */
  static async start(options: KernelStartOptions): Promise<TslabKernel> {
    const startedAt = performance.now();
    const tempDir = await mkdtemp(join(tmpdir(), "tslab-kernel-"));
    const connection = await writeConnectionFile(tempDir);
    const watchdog = await writeWatchdog(tempDir);
    const child = spawn(
      process.execPath,
      ["--require", watchdog, tslabBinary(), "kernel", "--config-path", join(tempDir, "connection.json")],
      { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe", "ipc"] },
    );
    trackUntilExit(child);
    const kernel = new TslabKernel(child, connection, new MessageSigner(connection.key), tempDir);
    kernel.watchProcess();
    kernel.connectSockets();
    try {
      await kernel.handshake(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    } catch (error) {
      await kernel.shutdown();
      throw error;
    }
    kernel.startupMs = performance.now() - startedAt;
    return kernel;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isRunning(): boolean {
    return this.exited === undefined && !this.closed;
  }

  /** Runs one cell's code and collects its outputs until the reply and the kernel's `idle` have both arrived. */
  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    this.assertRunning();
    const request = this.signer.message("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    const msgId = request.header.msg_id;
    const startedAt = performance.now();
    const done = new Promise<void>((resolve) => {
      this.executions.set(msgId, { outputs: [], idle: false, settle: resolve });
    });
    this.shellWaiters.set(msgId, (reply) => this.onExecuteReply(msgId, reply));
    try {
      await this.shell.send(this.signer.encode(request));
      const timedOut = await this.awaitExecution(done, options.timeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS);
      return this.executionResult(msgId, startedAt, timedOut);
    } finally {
      this.executions.delete(msgId);
      this.shellWaiters.delete(msgId);
    }
  }

  /** tslab interrupts the running cell on SIGINT (it has no `interrupt_request` handler). Synchronous loops cannot be interrupted. */
  interrupt(): void {
    if (this.isRunning) this.child.kill("SIGINT");
  }

  /** Asks the kernel to shut down, kills it if it does not exit, and releases sockets and files. Safe to call twice. */
  async shutdown(): Promise<void> {
    if (this.exited === undefined && !this.closed) {
      await this.requestShutdown().catch(() => undefined);
      if (!(await this.waitForExit(EXIT_AFTER_SHUTDOWN_MS))) {
        this.child.kill("SIGKILL");
        await this.waitForExit(EXIT_AFTER_SHUTDOWN_MS);
      }
    }
    this.closeSockets();
    await rm(this.tempDir, { recursive: true, force: true });
  }

  private async handshake(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let replied = false;
    let iopubSeen = false;
    let wake = () => {};
    while (!(replied && iopubSeen)) {
      this.assertRunning();
      if (performance.now() > deadline) {
        throw new KernelError(`tslab kernel did not answer within ${timeoutMs} ms.${this.diagnostics()}`);
      }
      const request = this.signer.message("kernel_info_request", {});
      const msgId = request.header.msg_id;
      this.shellWaiters.set(msgId, () => {
        replied = true;
        wake();
      });
      this.iopubListeners.set(msgId, () => {
        iopubSeen = true;
        wake();
      });
      const progress = new Promise<void>((resolve) => (wake = resolve));
      await this.shell.send(this.signer.encode(request));
      await settlesWithin(progress, KERNEL_INFO_RETRY_MS);
    }
    this.shellWaiters.clear();
    this.iopubListeners.clear();
  }

  private async awaitExecution(done: Promise<void>, timeoutMs: number): Promise<boolean> {
    if (await settlesWithin(done, timeoutMs)) return false;
    this.interrupt();
    if (await settlesWithin(done, INTERRUPT_GRACE_MS)) return true;
    this.assertRunning();
    throw new KernelError(
      `The cell ran longer than ${timeoutMs} ms and did not stop when interrupted; the kernel is stuck and must be restarted.`,
    );
  }

  private executionResult(msgId: string, startedAt: number, timedOut: boolean): ExecuteResult {
    const pending = this.executions.get(msgId);
    // Settled without a reply only when the kernel died mid-cell: report that, with its last words.
    if (!pending?.reply) this.assertRunning();
    const content = pending?.reply?.content ?? {};
    const status = replyStatus(content.status);
    if (status === "error") this.lastErrorReplyAt = performance.now();
    return {
      status,
      outputs: pending?.outputs ?? [],
      executionCount: typeof content.execution_count === "number" ? content.execution_count : null,
      durationMs: performance.now() - startedAt,
      timedOut,
    };
  }

  private onExecuteReply(msgId: string, reply: JupyterMessage): void {
    const pending = this.executions.get(msgId);
    if (!pending) return;
    pending.reply = reply;
    if (pending.idle) {
      pending.settle();
      return;
    }
    // Normally `idle` follows within milliseconds; a lost one must not hang the run.
    setTimeout(pending.settle, IDLE_AFTER_REPLY_GRACE_MS).unref();
  }

  private onIopub(message: JupyterMessage): void {
    const parentId = message.parent_header.msg_id;
    if (parentId === undefined) return;
    this.iopubListeners.get(parentId)?.(message);
    const pending = this.executions.get(parentId);
    if (!pending) return; // Output after a cell finished (e.g. a late timer); Jupyter would show it, we drop it.
    if (message.header.msg_type === "status" && message.content.execution_state === "idle") {
      pending.idle = true;
      if (pending.reply) pending.settle();
      return;
    }
    collectOutput(pending, message);
  }

  private connectSockets(): void {
    const address = (port: number) => `tcp://${this.connection.ip}:${port}`;
    for (const socket of [this.shell, this.control, this.iopub]) socket.linger = 0;
    this.shell.connect(address(this.connection.shell_port));
    this.control.connect(address(this.connection.control_port));
    this.iopub.connect(address(this.connection.iopub_port));
    this.iopub.subscribe();
    void this.pump(this.shell, (message) => this.shellWaiters.get(message.parent_header.msg_id ?? "")?.(message));
    void this.pump(this.control, (message) => this.shellWaiters.get(message.parent_header.msg_id ?? "")?.(message));
    void this.pump(this.iopub, (message) => this.onIopub(message));
  }

  private async pump(socket: zmq.Dealer | zmq.Subscriber, deliver: (message: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.signer.decode(frames);
        if (message) deliver(message);
        else this.rejectedMessages++;
      }
    } catch (error) {
      // Closing a socket ends its iterator with an error; anything else while open is worth reporting.
      if (!this.closed) this.processOutput += `\n[notebook runner] socket error: ${String(error)}`;
    }
  }

  private watchProcess(): void {
    const keepTail = (chunk: Buffer) => {
      this.processOutput = (this.processOutput + chunk.toString("utf8")).slice(-DIAGNOSTIC_TAIL_CHARS);
    };
    this.child.stdout?.on("data", keepTail);
    this.child.stderr?.on("data", keepTail);
    this.child.on("exit", (code, signal) => {
      this.exited = { code, signal };
      // Wake every waiter: execute() then reports the death instead of waiting for its timeout.
      for (const pending of this.executions.values()) pending.settle();
    });
    this.child.on("error", (error) => {
      this.processOutput += `\n[notebook runner] could not start tslab: ${error.message}`;
      this.exited = { code: null, signal: null };
    });
  }

  private async requestShutdown(): Promise<void> {
    const request = this.signer.message("shutdown_request", { restart: false });
    const replied = new Promise<void>((resolve) => this.shellWaiters.set(request.header.msg_id, () => resolve()));
    await this.control.send(this.signer.encode(request));
    await settlesWithin(replied, SHUTDOWN_REPLY_TIMEOUT_MS);
  }

  private waitForExit(timeoutMs: number): Promise<boolean> {
    if (this.exited !== undefined) return Promise.resolve(true);
    return settlesWithin(new Promise<void>((resolve) => this.child.once("exit", () => resolve())), timeoutMs);
  }

  private closeSockets(): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of [this.shell, this.control, this.iopub]) socket.close();
  }

  private assertRunning(): void {
    if (this.closed) throw new KernelError("The kernel was shut down.");
    if (this.exited !== undefined) {
      const { code, signal } = this.exited;
      throw new KernelError(`The tslab kernel exited (code ${code}, signal ${signal}).${this.diagnostics()}`);
    }
  }

  private diagnostics(): string {
    const tail = this.processOutput.trim();
    return tail ? `\nKernel output:\n${tail}` : "";
  }
}

function replyStatus(status: unknown): ExecuteStatus {
  if (status === "ok" || status === "error") return status;
  if (status === "abort" || status === "aborted") return "abort";
  // No reply at all (the kernel died mid-cell) is an error, never a pass.
  return "error";
}

async function writeConnectionFile(dir: string): Promise<ConnectionInfo> {
  const [shell, iopub, control, stdin, hb] = await freeLoopbackPorts(5);
  if (shell === undefined || iopub === undefined || control === undefined || stdin === undefined || hb === undefined) {
    throw new Error("Could not reserve five loopback ports for the kernel.");
  }
  const connection: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    shell_port: shell,
    iopub_port: iopub,
    control_port: control,
    stdin_port: stdin,
    hb_port: hb,
    kernel_name: "tslab",
  };
  // The file holds the signing key: readable by this user only.
  await writeFile(join(dir, "connection.json"), JSON.stringify(connection, null, 2), { mode: 0o600 });
  return connection;
}

/**
 * Preloaded into the kernel: it ends the kernel when the process that started it is gone (the IPC
 * channel closes even when that process is killed with SIGKILL), so no kernel outlives its runner.
 */
const WATCHDOG_SOURCE = `if (process.channel) {
  process.channel.unref();
  process.on("disconnect", () => process.exit(0));
}
`;

async function writeWatchdog(dir: string): Promise<string> {
  const path = join(dir, "watchdog.cjs");
  await writeFile(path, WATCHDOG_SOURCE);
  return path;
}

/** Ports chosen by the OS: all held open at once so the five are distinct, then released for the kernel to bind. */
async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve(server));
      });
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new KernelError("could not allocate a loopback port");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function trackUntilExit(child: ChildProcess): void {
  liveKernels.add(child);
  child.once("exit", () => liveKernels.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a runner that exits without calling shutdown(): only synchronous work runs here.
  process.once("exit", () => {
    for (const kernel of liveKernels) kernel.kill("SIGKILL");
  });
}

function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
