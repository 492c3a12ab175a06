/**
 * Solution regions, the nbgrader convention: lines between `// BEGIN SOLUTION` and
 * `// END SOLUTION` in code cells, `<!-- BEGIN SOLUTION -->` and `<!-- END SOLUTION -->` in
 * markdown answer cells. A region includes its two marker lines.
 */
import ts from "typescript";

export type MarkerStyle = "code" | "markdown";

const MARKERS: Record<MarkerStyle, { begin: RegExp; end: RegExp; beginText: string; endText: string }> = {
  code: {
    begin: /^\s*\/\/\s*BEGIN SOLUTION\s*$/,
    end: /^\s*\/\/\s*END SOLUTION\s*$/,
    beginText: "// BEGIN SOLUTION",
    endText: "// END SOLUTION",
  },
  markdown: {
    begin: /^\s*<!--\s*BEGIN SOLUTION\s*-->\s*$/,
    end: /^\s*<!--\s*END SOLUTION\s*-->\s*$/,
    beginText: "<!-- BEGIN SOLUTION -->",
    endText: "<!-- END SOLUTION -->",
  },
};

export interface SolutionRegion {
  /** Line index of the BEGIN marker (0-based). */
  begin: number;
  /** Line index of the END marker. */
  end: number;
  /** The BEGIN marker's leading whitespace, which a stub keeps. */
  indent: string;
}

/** A marker without its partner; `line` is 1-based, for people. */
export class RegionError extends Error {
  override name = "RegionError";
}

/** The regions of a cell's lines, in order; throws RegionError for unpaired or nested markers. */
export function findRegions(lines: readonly string[], style: MarkerStyle): SolutionRegion[] {
  const { begin, end, beginText, endText } = MARKERS[style];
  const regions: SolutionRegion[] = [];
  let open: { line: number; indent: string } | undefined;
  lines.forEach((line, index) => {
    if (begin.test(line)) {
      if (open)
        throw new RegionError(
          `"${beginText}" on line ${index + 1} opens a region inside the one opened on line ${open.line + 1}`,
        );
      open = { line: index, indent: /^\s*/.exec(line)?.[0] ?? "" };
    } else if (end.test(line)) {
      if (!open) throw new RegionError(`"${endText}" on line ${index + 1} has no "${beginText}" before it`);
      regions.push({ begin: open.line, end: index, indent: open.indent });
      open = undefined;
    }
  });
  if (open) throw new RegionError(`"${beginText}" on line ${open.line + 1} has no matching "${endText}"`);
  return regions;
}

/** True when any line is a marker of this style (paired or not). */
export function hasMarkers(lines: readonly string[], style: MarkerStyle): boolean {
  const { begin, end } = MARKERS[style];
  return lines.some((line) => begin.test(line) || end.test(line));
}

/**
 * Names the solution declares at the top level (`const x = ...`, `function f`, `class C`): the
 * stub declares them again so the code after the region still compiles in tslab.
 */
export function topLevelDeclarations(code: string): string[] {
  const source = ts.createSourceFile("solution.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) names.push(...bindingNames(declaration.name));
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.push(statement.name.text);
    }
  }
  return names;
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}
