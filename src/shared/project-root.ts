/**
 * The one place that knows how to find the project's folder. It sits in `src/shared/` rather than
 * in any of the three rooms because all three need it — the workbook (for `.env`), the emulator
 * (for its certificate cache) and the tools (for notebooks and the project's tslab) — and the
 * workbook and the emulator may not depend on the tools, nor the emulator on the workbook.
 * `shared/` depends on nothing of the project's.
 */
import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The nearest folder at or above `start` that holds a package.json and is not inside node_modules
 * (a package.json there belongs to a dependency, not to the project), or undefined if none does.
 */
export function findProjectRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json")) && !dir.split(/[\\/]/).includes("node_modules")) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
