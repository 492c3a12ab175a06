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
const RULES: Array<{ folder: string; forbidden: string[]; except?: string[] }> = [
  { folder: "src/shared/", forbidden: ["src/workbook", "src/emulator", "src/tools"] },
  { folder: "src/emulator/", forbidden: ["src/workbook", "src/tools"] },
  { folder: "src/workbook/", forbidden: ["src/tools"] },
  // The doctor checks the whole project as a learner runs it; its own rule is below.
  { folder: "src/tools/", forbidden: ["src/workbook", "src/emulator"], except: ["src/tools/doctor.ts"] },
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

  it.each(RULES)("$folder imports nothing from $forbidden", ({ folder, forbidden, except = [] }) => {
    const inFolder = sources.filter((file) => file.startsWith(folder) && !except.includes(file));
    expect(inFolder.length).toBeGreaterThan(0);
    const broken = inFolder.flatMap((file) =>
      importsOf(file)
        .filter((target) => forbidden.some((prefix) => target === prefix || target.startsWith(`${prefix}/`)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(broken).toEqual([]);
  });

  it("the doctor reads .env and connects through the workbook's config and client, and the emulator only through its front door", () => {
    const reaches = importsOf("src/tools/doctor.ts").filter((target) => /^src\/(workbook|emulator)/.test(target));
    expect(reaches.sort()).toEqual(["src/emulator/index", "src/workbook/client", "src/workbook/config"]);
  });

  it("the workbook reaches the emulator only through its front door, src/emulator/index.ts", () => {
    const reaches = sources
      .filter((file) => file.startsWith("src/workbook/"))
      .flatMap((file) => importsOf(file).filter((target) => target.startsWith("src/emulator")));
    expect(reaches.length).toBeGreaterThan(0);
    expect(reaches.filter((target) => target !== "src/emulator/index" && target !== "src/emulator")).toEqual([]);
  });
});

/**
 * The benchmark measures the emulator against @vercel/cosmosdb-server, which carries the SQL engine
 * the emulator replaced (@zeit/cosmosdb-query, built on Babel 7.6). Both belong to the benchmark's
 * own package in bench/yardstick/, never to the project's dependency tree.
 */
const YARDSTICK_ONLY = ["@vercel/cosmosdb-server", "@zeit/cosmosdb-query"];

const isYardstickOnly = (specifier: string): boolean =>
  YARDSTICK_ONLY.some((name) => specifier === name || specifier.startsWith(`${name}/`));

/** Where a lockfile installs each package (`node_modules/a/node_modules/b` installs `b`), by name. */
function lockedPackageNames(lockfile: string): string[] {
  const { packages } = JSON.parse(readFileSync(path.join(root, lockfile), "utf8")) as {
    packages: Record<string, unknown>;
  };
  return Object.keys(packages).map((location) => location.split("node_modules/").at(-1) ?? location);
}

/** The packages a module imports, requires or imports dynamically by name (not by relative path). */
function packagesImportedBy(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), "utf8"), true, true);
  return importedFiles.map((imported) => imported.fileName).filter((specifier) => !specifier.startsWith("."));
}

describe("the benchmark's yardstick stays out of the project's dependency tree", () => {
  it("neither package.json nor the root lockfile holds @vercel/cosmosdb-server or @zeit/cosmosdb-query, so npm ci does not install them", () => {
    const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as Record<string, object>;
    const declared = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"].flatMap((field) =>
      Object.keys(manifest[field] ?? {}),
    );
    const locked = lockedPackageNames("package-lock.json");
    expect(locked).toContain("@azure/cosmos");
    expect([...declared, ...locked].filter(isYardstickOnly)).toEqual([]);
  });

  it("the yardstick's own lockfile is where both are locked", () => {
    expect(lockedPackageNames("bench/yardstick/package-lock.json").filter(isYardstickOnly).sort()).toEqual(
      YARDSTICK_ONLY,
    );
  });

  it("nothing under src/ or test/ imports either of them", () => {
    const modules = [...filesUnder("src"), ...filesUnder("test")].filter((file) => /\.[cm]?[jt]s$/.test(file));
    const imports = modules.flatMap((file) => packagesImportedBy(file).map((specifier) => ({ file, specifier })));
    expect(imports.some(({ specifier }) => specifier === "@azure/cosmos")).toBe(true);
    expect(imports.filter(({ specifier }) => isYardstickOnly(specifier))).toEqual([]);
  });
});
