/**
 * The workbook's Jupyter kernel: one kernelspec, written by Node alone, that runs this project's
 * tslab with the Node that registered it.
 *
 * A kernelspec is one file, `<kernels folder>/<name>/kernel.json`. We write it ourselves instead of
 * calling `tslab install`, which needs a Python with jupyter_client, names whatever `tslab` command is
 * first on PATH, and (run as root) writes system-wide `tslab` and `jslab` kernels. The same writer
 * serves the user's registration (`npm run kernel`, for VS Code and any Jupyter) and the project-local
 * kernelspec the launcher puts under `.jupyter/`.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { tslabBinary } from "./project-paths";

/** The kernelspec's folder name, and what the notebooks' metadata asks for. */
export const KERNEL_NAME = "cosmos-batch-tslab";
export const KERNEL_DISPLAY_NAME = "TypeScript (Cosmos DB batch workbook)";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  metadata: Record<string, unknown>;
}

/** Where Jupyter looks for the current user's data: what `jupyter --data-dir` prints, without Python. */
export function jupyterDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "darwin") return join(home, "Library", "Jupyter");
  if (platform === "win32") return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "jupyter");
  return join(env.XDG_DATA_HOME || join(home, ".local", "share"), "jupyter");
}

/** The kernels folder inside a Jupyter data folder. */
export function kernelsDirIn(dataDir: string): string {
  return join(dataDir, "kernels");
}

/** The kernel.json contents: this Node, this project's tslab. */
export function workbookKernelSpec(nodePath: string = process.execPath, tslab: string = tslabBinary()): KernelSpec {
  return {
    // `{connection_file}` stays a separate argument (tslab issue #36).
    argv: [nodePath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
    metadata: { debugger: false },
  };
}

/** Writes (or rewrites: running it twice changes nothing) the workbook's kernel into a kernels folder; returns its folder. */
export async function writeKernelSpec(kernelsDir: string, spec: KernelSpec = workbookKernelSpec()): Promise<string> {
  const kernelDir = join(kernelsDir, KERNEL_NAME);
  await mkdir(kernelDir, { recursive: true });
  await writeFile(join(kernelDir, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`);
  return kernelDir;
}

/** Removes the workbook's kernel from a kernels folder; says whether there was one. */
export async function removeKernelSpec(kernelsDir: string): Promise<boolean> {
  const kernelDir = join(kernelsDir, KERNEL_NAME);
  const existed = existsSync(kernelDir);
  await rm(kernelDir, { recursive: true, force: true });
  return existed;
}

export type RegisteredKernelState =
  /** Registered, and it runs this project's tslab with a Node that exists. */
  | "this-project"
  /** No kernel.json under the name. */
  | "missing"
  /** kernel.json is not JSON, or has no argv. */
  | "unreadable"
  /** It runs another folder's tslab (a moved or second clone). */
  | "other-project"
  /** It names a Node that is no longer there (Node upgraded or removed). */
  | "node-missing";

export interface RegisteredKernel {
  state: RegisteredKernelState;
  kernelDir: string;
  /** One sentence for a person: what was found and, unless all is well, the command that fixes it. */
  message: string;
  argv?: string[];
}

const FIX = "run `npm run kernel` in the project folder to register it again";

/** Whether the workbook's kernel in a kernels folder points at this project, as a state and a sentence. */
export async function readRegisteredKernel(
  kernelsDir: string,
  tslab: string = tslabBinary(),
): Promise<RegisteredKernel> {
  const kernelDir = join(kernelsDir, KERNEL_NAME);
  const file = join(kernelDir, "kernel.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return { state: "missing", kernelDir, message: `No "${KERNEL_NAME}" kernel in ${kernelsDir}; ${FIX}.` };
  }
  const argv = parseArgv(text);
  if (argv === undefined) {
    return { state: "unreadable", kernelDir, message: `${file} is not a kernelspec with an argv; ${FIX}.` };
  }
  const [node = "", script = ""] = argv;
  if (resolve(script) !== resolve(tslab)) {
    return { state: "other-project", kernelDir, argv, message: `The kernel runs ${script}, not ${tslab}; ${FIX}.` };
  }
  if (!existsSync(node)) {
    return { state: "node-missing", kernelDir, argv, message: `The kernel's Node ${node} no longer exists; ${FIX}.` };
  }
  return {
    state: "this-project",
    kernelDir,
    argv,
    message: `"${KERNEL_NAME}" runs this project's tslab with ${node}.`,
  };
}

function parseArgv(text: string): string[] | undefined {
  try {
    const spec = JSON.parse(text) as Partial<KernelSpec>;
    return Array.isArray(spec.argv) && spec.argv.every((part) => typeof part === "string") ? spec.argv : undefined;
  } catch {
    return undefined;
  }
}
