/**
 * ARCHITECTURE.md and docs/ stay true to the code: every path they name exists, the dependency
 * rules of the code map hold, and no two files or exported names collide.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const fromRoot = (file: string): string => path.relative(root, file).split(path.sep).join("/");

/** Every file under `folder` (relative to the project), skipping notebook fixtures' outputs. */
function filesUnder(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => fromRoot(path.join(entry.parentPath, entry.name)));
}

const documents = ["ARCHITECTURE.md", ...readdirSync(path.join(root, "docs")).map((name) => `docs/${name}`)].filter(
  (name) => name.endsWith(".md"),
);

/**
 * Backticked text that reads as a path in the project: letters, digits, `.`, `_`, `-` and `/`
 * only, with a `/` or a file extension. Headers (`x-ms-...`), URLs, JSON and code do not match.
 */
function namedPaths(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, "");
  return [...prose.matchAll(/`([^`\s]+)`/g)]
    .map((match) => match[1] ?? "")
    .filter((text) => /^[\w.-]+(\/[\w.-]+)*\/?$/.test(text) && !text.startsWith(".."))
    .filter((text) => text.includes("/") || /\.(ts|mts|md|json|ipynb|py)$/.test(text));
}

/**
 * Folders the tools make on first use (`.jupyter/`, `out/...`) are git-ignored: a fresh clone has
 * none of them, yet the map must name them. A named path passes if it exists or git ignores it.
 */
function isGenerated(name: string): boolean {
  try {
    execFileSync("git", ["check-ignore", "--quiet", "--no-index", name], { cwd: root, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("the map names only what exists", () => {
  it("finds ARCHITECTURE.md and the batch contract", () => {
    expect(documents).toEqual(expect.arrayContaining(["ARCHITECTURE.md", "docs/batch-contract.md"]));
  });

  it.each(documents)("every path %s names exists", (document) => {
    const named = namedPaths(readFileSync(path.join(root, document), "utf8"));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => !existsSync(path.join(root, name)) && !isGenerated(name))).toEqual([]);
  });
});

describe("names do not collide", () => {
  it("no two files under src/ and test/ share a file name (a folder's index.ts is named by its folder)", () => {
    const byName = new Map<string, string[]>();
    for (const file of [...filesUnder("src"), ...filesUnder("test")]) {
      const name = path.basename(file);
      if (name === "index.ts") continue;
      byName.set(name, [...(byName.get(name) ?? []), file]);
    }
    expect([...byName.values()].filter((files) => files.length > 1)).toEqual([]);
  });

  it("no two src modules export the same name for different things", () => {
    const sources = filesUnder("src").filter((file) => file.endsWith(".ts"));
    const program = ts.createProgram(
      sources.map((file) => path.join(root, file)),
      { strict: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    );
    const checker = program.getTypeChecker();
    const owners = new Map<string, Set<string>>();
    for (const file of sources) {
      const sourceFile = program.getSourceFile(path.join(root, file));
      const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
      for (const exported of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []) {
        // A re-export (index.ts) names the same thing as its origin; count the origin only.
        const original = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const declaredIn = original.declarations?.[0]?.getSourceFile().fileName ?? file;
        const name = exported.getName();
        owners.set(name, new Set([...(owners.get(name) ?? []), fromRoot(declaredIn)]));
      }
    }
    const collisions = [...owners]
      .filter(([, files]) => files.size > 1)
      .map(([name, files]) => `${name}: ${[...files]}`);
    expect(collisions).toEqual([]);
  });
});

/** The src/ files a module imports, relative to the project. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), "utf8"), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => fromRoot(path.resolve(path.dirname(path.join(root, file)), specifier)));
}

/** The code map's rules: a module under `folder` may not import anything under `forbidden`. */
const RULES: Array<{ folder: string; forbidden: string[] }> = [
  { folder: "src/shared/", forbidden: ["src/workbook", "src/emulator", "src/tools"] },
  { folder: "src/emulator/", forbidden: ["src/workbook", "src/tools"] },
  { folder: "src/workbook/", forbidden: ["src/tools"] },
  { folder: "src/tools/", forbidden: ["src/workbook", "src/emulator"] },
  {
    folder: "src/emulator/store/",
    forbidden: ["src/emulator/http", "src/emulator/routes", "src/emulator/handlers", "src/emulator/operations"],
  },
  {
    folder: "src/emulator/query/",
    forbidden: ["src/emulator/http", "src/emulator/routes", "src/emulator/handlers", "src/emulator/operations"],
  },
  {
    folder: "src/emulator/operations/",
    forbidden: ["src/emulator/http", "src/emulator/routes", "src/emulator/handlers"],
  },
  { folder: "src/emulator/handlers/", forbidden: ["src/emulator/routes"] },
];

describe("the code map's dependency rules hold", () => {
  const sources = filesUnder("src").filter((file) => file.endsWith(".ts"));

  it.each(RULES)("$folder imports nothing from $forbidden", ({ folder, forbidden }) => {
    const inFolder = sources.filter((file) => file.startsWith(folder));
    expect(inFolder.length).toBeGreaterThan(0);
    const broken = inFolder.flatMap((file) =>
      importsOf(file)
        .filter((target) => forbidden.some((prefix) => target === prefix || target.startsWith(`${prefix}/`)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(broken).toEqual([]);
  });

  it("the workbook reaches the emulator only through its front door, src/emulator/index.ts", () => {
    const reaches = sources
      .filter((file) => file.startsWith("src/workbook/"))
      .flatMap((file) => importsOf(file).filter((target) => target.startsWith("src/emulator")));
    expect(reaches.length).toBeGreaterThan(0);
    expect(reaches.filter((target) => target !== "src/emulator/index" && target !== "src/emulator")).toEqual([]);
  });
});
