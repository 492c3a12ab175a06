#!/usr/bin/env node
/**
 * `node dist/tools/editions/editions-cli.js [--out DIR] [NOTEBOOK...]`: writes the student and instructor
 * editions of the notebooks (default: every notebook in notebooks/) to
 * `DIR/student/<name>.ipynb` and `DIR/instructor/<name>.ipynb` (default DIR: out/editions).
 */
import { mkdir } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readNotebook, writeNotebook } from "../notebook/nbformat";
import { labNotebooks, projectRoot } from "../project-paths";
import { EditionError, makeEditions, rebaseRelativeImports } from "./editions";

const USAGE = `Usage: cli.js [--out DIR] [NOTEBOOK.ipynb ...]
  Writes DIR/student/<name>.ipynb (instructor notes removed, solutions replaced by exercises,
  outputs cleared) and DIR/instructor/<name>.ipynb (everything, notes marked) for each notebook.
  Relative imports (../dist/workbook) are rewritten so the editions run where they are written.
  NOTEBOOK   notebooks to convert (default: every .ipynb in notebooks/)
  --out DIR  where to write the editions (default: out/editions)`;

export interface EditionsRun {
  written: string[];
}

/** Writes both editions of every notebook; checks all of them before writing any. */
export async function writeEditions(notebookPaths: readonly string[], outDir: string): Promise<EditionsRun> {
  const editions = await Promise.all(
    notebookPaths.map(async (path) => ({ path, ...makeEditions(await readNotebook(path), displayPath(path)) })),
  );
  const written: string[] = [];
  for (const { path, student, instructor } of editions) {
    for (const [edition, notebook] of [
      ["student", student],
      ["instructor", instructor],
    ] as const) {
      const target = join(outDir, edition, basename(path));
      await mkdir(dirname(target), { recursive: true });
      await writeNotebook(target, rebaseRelativeImports(notebook, dirname(path), dirname(target)));
      written.push(target);
    }
  }
  return { written };
}

function displayPath(path: string): string {
  const fromProject = relative(projectRoot(), path);
  return fromProject.startsWith("..") ? path : fromProject;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { out: { type: "string", short: "o" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const notebooks = positionals.length > 0 ? positionals.map((path) => resolve(path)) : labNotebooks();
  const outDir = resolve(values.out ?? join(projectRoot(), "out", "editions"));
  const { written } = await writeEditions(notebooks, outDir);
  for (const path of written) console.log(`wrote ${displayPath(path)}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // Expected problems (an unclosed region, a bad argument, a missing file) get one clear line.
      const message = error instanceof Error ? error.message : String(error);
      console.error(error instanceof EditionError ? message : `editions: ${message}\n\n${USAGE}`);
      process.exit(1);
    },
  );
}
