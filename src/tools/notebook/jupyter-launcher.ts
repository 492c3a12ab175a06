/**
 * Opening the notebooks in real Jupyter with this project's tslab, installing nothing globally.
 *
 * The kernelspec (`../kernelspec`) is written under `<project>/.jupyter/share/jupyter/kernels/`
 * (git-ignored) and found through `JUPYTER_PATH`. It runs the project's own tslab with this Node, so
 * the kernel the learner sees is the one the tests run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { delimiter, join } from "node:path";
import { writeEditions } from "../editions/editions-cli";
import { KERNEL_DISPLAY_NAME, kernelsDirIn, writeKernelSpec } from "../kernelspec";
import { labNotebooks, projectRoot } from "../project-paths";

export interface ProjectKernel {
  /** The folder holding kernel.json. */
  kernelDir: string;
  /** The value to put first in `JUPYTER_PATH` so Jupyter finds the kernel. */
  jupyterPath: string;
}

/** The workbook's kernelspec (the same one `npm run kernel` registers for the user), under the project. */
export async function installProjectKernel(root: string = projectRoot()): Promise<ProjectKernel> {
  const jupyterPath = join(root, ".jupyter", "share", "jupyter");
  const kernelDir = await writeKernelSpec(kernelsDirIn(jupyterPath));
  return { kernelDir, jupyterPath };
}

/** `JUPYTER_PATH` with the project's folder first and whatever the user had after it. */
export function jupyterEnv(kernel: ProjectKernel, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const existing = env.JUPYTER_PATH;
  return { ...env, JUPYTER_PATH: existing ? `${kernel.jupyterPath}${delimiter}${existing}` : kernel.jupyterPath };
}

/** Jupyter runs `jupyter-<sub>` for `jupyter <sub>`; JupyterLab is preferred when both exist. */
export function findJupyterFrontEnd(env: NodeJS.ProcessEnv = process.env): "lab" | "notebook" | undefined {
  if (findOnPath("jupyter-lab", env)) return "lab";
  if (findOnPath("jupyter-notebook", env)) return "notebook";
  return undefined;
}

export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const extensions = process.platform === "win32" ? ["", ".exe", ".cmd"] : [""];
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = join(dir, command + extension);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export const HOW_TO_GET_JUPYTER = `Jupyter was not found on PATH (no jupyter-lab or jupyter-notebook).
Get it one of these ways, then run \`npm run notebook\` again:
  Debian/Ubuntu: sudo apt-get install -y jupyter-notebook python3-nbconvert python3-nbclient jupyter-client
  pip:           pip install notebook
  conda:         conda install -c conda-forge notebook
Or open the notebooks in VS Code with its Jupyter extension: run \`npm run kernel\` once and
choose the "${KERNEL_DISPLAY_NAME}" kernel. Headless runs need none of this: npm run lab`;

export type Edition = "student" | "instructor";
export const EDITIONS: readonly Edition[] = ["student", "instructor"];

/** Jupyter's own default port; the next free one is taken when it is busy and no port was asked for. */
export const DEFAULT_PORT = 8888;
const PORTS_TRIED = 20;

export interface LaunchOptions {
  root?: string;
  /** The port to serve on; it must be free. Default: 8888, or the next free port after it. */
  port?: number;
  /** Write this edition of every notebook first, then open its folder. */
  edition?: Edition;
  /** Open a browser tab (Jupyter's default). */
  openBrowser?: boolean;
}

/** What Jupyter is asked to do: which folder it serves, where it opens, on which port. */
export interface JupyterPlan {
  frontEnd: "lab" | "notebook";
  port: number;
  /** The folder opened first, relative to the project root Jupyter serves. */
  openFolder: string;
  /** The address of that folder, without Jupyter's login token. */
  url: string;
  args: string[];
}

/** The folder opened first: the lab's notebooks, or an edition's folder under out/. */
export function folderToOpen(edition: Edition | undefined): string {
  return edition === undefined ? "notebooks" : `out/editions/${edition}`;
}

/**
 * Jupyter's arguments. It serves the whole project (so notebooks/ and out/editions/ both open, and
 * their `../dist` imports resolve) and opens on the folder asked for, on loopback only.
 */
export function jupyterPlan(
  frontEnd: "lab" | "notebook",
  root: string,
  port: number,
  options: Pick<LaunchOptions, "edition" | "openBrowser">,
): JupyterPlan {
  const openFolder = folderToOpen(options.edition);
  const path = frontEnd === "lab" ? `/lab/tree/${openFolder}` : `/tree/${openFolder}`;
  const app = frontEnd === "lab" ? "LabApp" : "NotebookApp";
  const args = [
    frontEnd,
    `--notebook-dir=${root}`,
    "--ip=127.0.0.1",
    `--port=${port}`,
    // The port was checked free; trying another would make the printed address wrong.
    "--port-retries=0",
    `--${app}.default_url=${path}`,
  ];
  if (options.openBrowser === false) args.push("--no-browser");
  // Jupyter refuses to run as root without this flag; root is the norm in containers and dev VMs.
  if (process.getuid?.() === 0) args.push("--allow-root");
  return { frontEnd, port, openFolder, url: `http://127.0.0.1:${port}${path}`, args };
}

export class LaunchError extends Error {}

/** Whether nothing listens on a loopback port yet. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** The port asked for if it is free (0: any free port), else the first free one from 8888 on. */
export async function choosePort(requested: number | undefined): Promise<number> {
  if (requested === 0) return anyFreePort();
  if (requested !== undefined) {
    if (await isPortFree(requested)) return requested;
    throw new LaunchError(`Port ${requested} is in use. Choose another with --port, or leave --port out.`);
  }
  for (let port = DEFAULT_PORT; port < DEFAULT_PORT + PORTS_TRIED; port += 1) {
    if (await isPortFree(port)) return port;
  }
  return anyFreePort();
}

/** A port the system calls free on loopback right now (the tests start their Jupyter on one too). */
export function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Registers the project kernel and runs Jupyter until it exits; returns its exit code.
 *
 * Jupyter runs in its own process group, so Ctrl-C and a SIGTERM to our group reach the launcher
 * alone, which then asks Jupyter once to stop (SIGTERM). Jupyter shuts its kernels down before it
 * exits; a signal sent twice, or a Ctrl-C reaching it directly, would cut that short (or ask
 * "Shutdown this notebook server?") and leave a tslab kernel running.
 */
export async function launchJupyter(options: LaunchOptions = {}): Promise<number> {
  const root = options.root ?? projectRoot();
  const frontEnd = findJupyterFrontEnd();
  if (!frontEnd) {
    console.error(HOW_TO_GET_JUPYTER);
    return 1;
  }
  if (options.edition !== undefined) {
    const { written } = await writeEditions(labNotebooks(root), join(root, "out", "editions"));
    console.log(`Wrote the student and instructor editions (${written.length} notebooks) to out/editions/`);
  }
  const kernel = await installProjectKernel(root);
  const plan = jupyterPlan(frontEnd, root, await choosePort(options.port), options);
  console.log(`Kernel "${KERNEL_DISPLAY_NAME}" registered in ${kernel.kernelDir}`);
  console.log(`Starting Jupyter on ${plan.url}`);
  console.log("(Jupyter prints its login link below. Stop it with Ctrl-C; its kernels stop with it.)");
  const child = spawn("jupyter", plan.args, {
    cwd: root,
    env: jupyterEnv(kernel),
    stdio: ["ignore", "inherit", "inherit"],
    detached: process.platform !== "win32",
  });
  return superviseUntilExit(child);
}

/** Forwards the first Ctrl-C or SIGTERM to Jupyter as one SIGTERM, and resolves with its exit code. */
function superviseUntilExit(child: ChildProcess): Promise<number> {
  let stopping = false;
  const stop = () => {
    if (stopping) {
      console.log("Still stopping: Jupyter is shutting its kernels down.");
      return;
    }
    stopping = true;
    console.log("Stopping Jupyter and its kernels...");
    child.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return new Promise((resolve) => {
    const finish = (code: number) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(code);
    };
    child.on("error", (error) => {
      console.error(`Could not start jupyter: ${error.message}`);
      finish(1);
    });
    // Stopped on request counts as a clean exit.
    child.on("exit", (code, signal) => finish(stopping ? 0 : (code ?? (signal ? 1 : 0))));
  });
}
