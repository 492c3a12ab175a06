/**
 * The launcher behind `npm run notebook`: the project-local kernelspec (found by Jupyter through
 * JUPYTER_PATH only), what it asks Jupyter to do, and, in real Jupyter, that it serves the project
 * and stops with no kernel left behind.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type AddressInfo, createServer } from "node:net";
import {
  choosePort,
  findJupyterFrontEnd,
  findOnPath,
  HOW_TO_GET_JUPYTER,
  installProjectKernel,
  isPortFree,
  jupyterEnv,
  jupyterPlan,
  LaunchError,
} from "../../../src/tools/notebook/jupyter-launcher";
import { kernelProcesses, launchJupyterForTest, NOTEBOOK_CLI } from "./launched-jupyter";
import { KERNEL_DISPLAY_NAME, KERNEL_NAME } from "../../../src/tools/kernelspec";

describe("installProjectKernel", () => {
  it("writes kernel.json that runs the project's tslab with this Node", async () => {
    const root = await mkdtemp(join(tmpdir(), "kernelspec-"));
    const { kernelDir, jupyterPath } = await installProjectKernel(root);
    expect(kernelDir).toBe(join(root, ".jupyter", "share", "jupyter", "kernels", KERNEL_NAME));
    expect(jupyterPath).toBe(join(root, ".jupyter", "share", "jupyter"));
    const spec = JSON.parse(await readFile(join(kernelDir, "kernel.json"), "utf8"));
    expect(spec.argv[0]).toBe(process.execPath);
    expect(spec.argv[1]).toMatch(/node_modules[\\/]tslab[\\/]bin[\\/]tslab$/);
    expect(existsSync(spec.argv[1])).toBe(true);
    expect(spec.argv.slice(2)).toEqual(["kernel", "--config-path", "{connection_file}"]);
    expect(spec).toMatchObject({ display_name: KERNEL_DISPLAY_NAME, language: "typescript" });
  });

  it("puts the project's folder first in JUPYTER_PATH and keeps the user's", () => {
    const kernel = { kernelDir: "/p/.jupyter/share/jupyter/kernels/tslab", jupyterPath: "/p/.jupyter/share/jupyter" };
    expect(jupyterEnv(kernel, {}).JUPYTER_PATH).toBe("/p/.jupyter/share/jupyter");
    expect(jupyterEnv(kernel, { JUPYTER_PATH: "/mine" }).JUPYTER_PATH).toMatch(
      /^\/p\/\.jupyter\/share\/jupyter.\/mine$/,
    );
  });

  it("finds no front end on a PATH without Jupyter", () => {
    expect(findJupyterFrontEnd({ PATH: tmpdir() })).toBeUndefined();
  });

  it.skipIf(!findOnPath("jupyter"))(
    "is what Jupyter lists as the workbook's kernel, with nothing installed globally",
    async () => {
      const root = await mkdtemp(join(tmpdir(), "kernelspec-"));
      const kernel = await installProjectKernel(root);
      const listed = spawnSync("jupyter", ["kernelspec", "list", "--json"], {
        env: jupyterEnv(kernel),
        encoding: "utf8",
      });
      const specs = JSON.parse(listed.stdout).kernelspecs;
      expect(specs[KERNEL_NAME].resource_dir).toBe(kernel.kernelDir);
      const withoutProject = spawnSync("jupyter", ["kernelspec", "list", "--json"], { encoding: "utf8" });
      expect(JSON.parse(withoutProject.stdout).kernelspecs[KERNEL_NAME]?.resource_dir).not.toBe(kernel.kernelDir);
    },
  );
});

describe("jupyterPlan", () => {
  it("serves the whole project on loopback and opens notebooks/", () => {
    const plan = jupyterPlan("notebook", "/p", 9000, {});
    expect(plan.url).toBe("http://127.0.0.1:9000/tree/notebooks");
    expect(plan.args).toEqual(
      expect.arrayContaining([
        "notebook",
        "--notebook-dir=/p",
        "--ip=127.0.0.1",
        "--port=9000",
        "--port-retries=0",
        "--NotebookApp.default_url=/tree/notebooks",
      ]),
    );
    expect(plan.args).not.toContain("--no-browser");
  });

  it("opens an edition's folder, in JupyterLab's address form when that is the front end", () => {
    expect(jupyterPlan("notebook", "/p", 9000, { edition: "student", openBrowser: false })).toMatchObject({
      url: "http://127.0.0.1:9000/tree/out/editions/student",
      args: expect.arrayContaining(["--no-browser"]),
    });
    expect(jupyterPlan("lab", "/p", 9000, { edition: "instructor" })).toMatchObject({
      url: "http://127.0.0.1:9000/lab/tree/out/editions/instructor",
      args: expect.arrayContaining(["--LabApp.default_url=/lab/tree/out/editions/instructor"]),
    });
  });
});

describe("choosePort", () => {
  it("refuses a port in use with the fix, and finds a free one for 0", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      await expect(choosePort(port)).rejects.toThrow(
        new LaunchError(`Port ${port} is in use. Choose another with --port, or leave --port out.`),
      );
      const any = await choosePort(0);
      expect(any).toBeGreaterThan(0);
      expect(await isPortFree(any)).toBe(true);
    } finally {
      busy.close();
    }
  });
});

describe("npm run notebook arguments", () => {
  const run = (args: string[]) => spawnSync(process.execPath, [NOTEBOOK_CLI, "jupyter", ...args], { encoding: "utf8" });

  it("names the editions when given another", () => {
    const result = run(["--edition", "teacher"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--edition wants student or instructor, got "teacher".');
  });

  it("names the range when given a port outside it", () => {
    const result = run(["--port", "70000"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--port wants a port number from 0 to 65535, got "70000".');
  });
});

const HAS_JUPYTER_NOTEBOOK = findOnPath("jupyter-notebook") !== undefined;

describe("npm run notebook in real Jupyter", () => {
  it.runIf(!HAS_JUPYTER_NOTEBOOK && Boolean(process.env.CI))("needs jupyter-notebook on CI", () => {
    throw new Error(`jupyter-notebook is missing. ${HOW_TO_GET_JUPYTER}`);
  });

  for (const [signal, how] of [
    ["SIGTERM", "a SIGTERM to its process group"],
    ["SIGINT", "Ctrl-C"],
  ] as const) {
    it.runIf(HAS_JUPYTER_NOTEBOOK && process.platform === "linux")(
      `serves the project and stops on ${how} with no kernel left behind`,
      async () => {
        const jupyter = await launchJupyterForTest();
        try {
          expect(jupyter.url).toBe(`${jupyter.base}/tree/notebooks`);
          const notebooks = (await (await jupyter.api("/api/contents/notebooks")).json()) as {
            content: Array<{ name: string }>;
          };
          expect(notebooks.content.map((entry) => entry.name)).toContain("04-sdk-batch.ipynb");
          expect((await jupyter.api("/api/contents/dist/workbook")).status).toBe(200);

          const started = await jupyter.api("/api/kernels", {
            method: "POST",
            body: JSON.stringify({ name: KERNEL_NAME }),
          });
          expect(started.status).toBe(201);
          const { id } = (await started.json()) as { id: string };
          await expect.poll(() => kernelProcesses(id).length, { timeout: 30_000 }).toBe(1);

          expect(await jupyter.stop(signal)).toBe(0);
          expect(jupyter.output()).toContain("Stopping Jupyter and its kernels...");
          expect(kernelProcesses(id)).toEqual([]);
        } finally {
          await jupyter.stop("SIGKILL");
        }
      },
      180_000,
    );
  }
});
