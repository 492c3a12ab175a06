/**
 * Where the project and its tslab live. Resolved from this file, not the working directory, so the
 * runner works the same from `npm run`, from dist/ and from vitest (which runs src/ directly).
 */
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { findProjectRoot } from "../shared/project-root";

/** The project this module belongs to (see shared/project-root.ts); throws when it is not installed. */
export function projectRoot(): string {
  const root = findProjectRoot(__dirname);
  if (root === undefined) throw new Error(`No package.json above ${__dirname}; is the project installed?`);
  return root;
}

/** Every notebook in notebooks/ (not the `.executed.ipynb` copies a run may write), sorted: a new lab is picked up the day it is added. */
export function labNotebooks(root: string = projectRoot()): string[] {
  const folder = join(root, "notebooks");
  return readdirSync(folder)
    .filter((name) => name.endsWith(".ipynb") && !name.endsWith(".executed.ipynb"))
    .sort()
    .map((name) => join(folder, name));
}

/** The project's own tslab entry script, run with this Node (`process.execPath`), never a global tslab. */
export function tslabBinary(): string {
  const tslabPackage = createRequire(join(projectRoot(), "package.json")).resolve("tslab/package.json");
  return join(dirname(tslabPackage), "bin", "tslab");
}
