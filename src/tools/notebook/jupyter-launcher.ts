/**
 * Opening the notebooks in real Jupyter with this project's tslab, installing nothing globally.
 *
 * The kernelspec (`../kernelspec`) is written under `<project>/.jupyter/share/jupyter/kernels/`
 * (git-ignored) and found through `JUPYTER_PATH`. It runs the project's own tslab with this Node, so
 * the kernel the learner sees is the one the tests run.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { KERNEL_DISPLAY_NAME, kernelsDirIn, writeKernelSpec } from "../kernelspec";
import { projectRoot } from "../project-paths";

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

/** Registers the project kernel and runs Jupyter on `notebooks/` until it exits; returns its exit code. */
export async function launchJupyter(root: string = projectRoot()): Promise<number> {
  const frontEnd = findJupyterFrontEnd();
  if (!frontEnd) {
    console.error(HOW_TO_GET_JUPYTER);
    return 1;
  }
  const kernel = await installProjectKernel(root);
  const args = [frontEnd, `--notebook-dir=${join(root, "notebooks")}`];
  // Jupyter refuses to run as root without this flag; root is the norm in containers and dev VMs.
  if (process.getuid?.() === 0) args.push("--allow-root");
  console.log(`Kernel "${KERNEL_DISPLAY_NAME}" registered in ${kernel.kernelDir}`);
  console.log(`Starting: jupyter ${args.join(" ")}`);
  const child = spawn("jupyter", args, { cwd: root, env: jupyterEnv(kernel), stdio: "inherit" });
  // Ctrl-C reaches Jupyter too and it asks whether to stop; stay alive so the terminal stays with it.
  // A SIGTERM sent to us alone is passed on, so Jupyter never outlives this launcher.
  const ignoreInterrupt = () => undefined;
  const forwardTerminate = () => child.kill("SIGTERM");
  process.on("SIGINT", ignoreInterrupt);
  process.on("SIGTERM", forwardTerminate);
  child.on("exit", () => {
    process.off("SIGINT", ignoreInterrupt);
    process.off("SIGTERM", forwardTerminate);
  });
  return new Promise((resolve) => {
    child.on("error", (error) => {
      console.error(`Could not start jupyter: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
