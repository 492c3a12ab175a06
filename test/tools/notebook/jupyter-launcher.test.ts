/** The project-local kernelspec: written under the project, found by Jupyter through JUPYTER_PATH only. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  findJupyterFrontEnd,
  findOnPath,
  installProjectKernel,
  jupyterEnv,
} from "../../../src/tools/notebook/jupyter-launcher";
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
