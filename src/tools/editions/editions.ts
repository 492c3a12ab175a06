/**
 * The instructor and student editions of a notebook.
 *
 * Instructor edition: everything kept (solutions, notes, outputs); notes are marked so they stand
 * out and carry RISE's `slideshow.slide_type: "notes"`, so they become speaker notes in a slideshow.
 * Student edition: notes removed, every solution region replaced by a stub, outputs cleared, so
 * nothing in the file gives an answer away. Cell ids are kept in both, so a student's notebook can
 * be matched cell by cell with the instructor's.
 */
import path from "node:path";
import {
  cellTags,
  hasTag,
  withTag,
  type Cell,
  type CellMetadata,
  type CodeCell,
  type MarkdownCell,
  type Notebook,
} from "../notebook/nbformat";
import { RegionError, findRegions, hasMarkers, topLevelDeclarations, type MarkerStyle } from "./regions";

export const INSTRUCTOR_NOTE_TAG = "instructor-note";
/** nbgrader's tag for answer cells; it means nothing to a student, so the student edition drops it. */
export const SOLUTION_TAG = "solution";
export const INSTRUCTOR_NOTE_HEADING = "> **Instructor note**";
/** What a stub says when it runs, after the exercise's name ("Exercise 2"). */
export const EXERCISE_NOT_DONE = "is not done yet: replace the TODO lines with your answer, then run the cell again.";
/** The name a stub uses when no "Exercise N" heading comes before it. */
export const UNNAMED_EXERCISE = "This exercise";

/** The one line a stub throws: the exercise's name, and what to do. */
export function exerciseNotDone(exercise: string): string {
  return `${exercise} ${EXERCISE_NOT_DONE}`;
}
export const MARKDOWN_ANSWER_STUB = "_Your answer here._";

/** A notebook the tool cannot turn into editions; the message names the notebook and the cell. */
export class EditionError extends Error {
  override name = "EditionError";
}

export interface Editions {
  instructor: Notebook;
  student: Notebook;
}

/** Both editions of one notebook; `name` is how messages refer to it (its path). */
export function makeEditions(notebook: Notebook, name: string): Editions {
  checkRegions(notebook, name);
  return { instructor: instructorEdition(notebook), student: studentEdition(notebook) };
}

/** A RISE speaker note, or a cell tagged as an instructor note: either way not for students. */
export function isInstructorNote(cell: Cell): boolean {
  return hasTag(cell, INSTRUCTOR_NOTE_TAG) || asRecord(cell.metadata.slideshow).slide_type === "notes";
}

export function instructorEdition(notebook: Notebook): Notebook {
  return { ...notebook, cells: notebook.cells.map((cell) => (isInstructorNote(cell) ? markedNote(cell) : cell)) };
}

export function studentEdition(notebook: Notebook): Notebook {
  const kept = notebook.cells.filter((cell) => !isInstructorNote(cell));
  const exercises = exerciseNames(kept);
  return { ...notebook, cells: kept.map((cell, index) => studentCell(cell, exercises[index] ?? UNNAMED_EXERCISE)) };
}

const EXERCISE_HEADING = /^#{1,6}\s+(Exercise\s+\d+)\b/im;

/** For each cell, the "Exercise N" of the nearest markdown heading at or before it, so a stub can name it. */
function exerciseNames(cells: readonly Cell[]): (string | undefined)[] {
  let current: string | undefined;
  return cells.map((cell) => {
    if (cell.cell_type === "markdown") current = EXERCISE_HEADING.exec(cell.source)?.[1] ?? current;
    return current;
  });
}

/** Every region in every cell is paired; throws EditionError naming the first cell that is not. */
export function checkRegions(notebook: Notebook, name: string): void {
  notebook.cells.forEach((cell, index) => {
    const style = markerStyle(cell);
    if (!style) return;
    try {
      findRegions(cell.source.split("\n"), style);
    } catch (error) {
      if (!(error instanceof RegionError)) throw error;
      throw new EditionError(
        `${name}, cell "${cell.id}" (cell ${index + 1}): ${error.message}. Close the region, then run the editions again.`,
      );
    }
  });
}

function markerStyle(cell: Cell): MarkerStyle | undefined {
  if (cell.cell_type === "code") return "code";
  if (cell.cell_type === "markdown") return "markdown";
  return undefined;
}

/** The note with a visible heading (unless it has one) and the tag and slide type both set. */
function markedNote(cell: Cell): Cell {
  const alreadyMarked = /^\s*(?:>\s*)?\*\*Instructor note/i.test(cell.source);
  const tagged = withTag(cell, INSTRUCTOR_NOTE_TAG);
  const slideshow = { ...asRecord(cell.metadata.slideshow), slide_type: "notes" };
  return {
    ...tagged,
    source: alreadyMarked ? cell.source : `${INSTRUCTOR_NOTE_HEADING}\n\n${cell.source}`,
    metadata: { ...tagged.metadata, slideshow },
  };
}

function studentCell(cell: Cell, exercise: string): Cell {
  const tags = cellTags(cell).filter((tag) => tag !== SOLUTION_TAG);
  const metadata: CellMetadata = { ...cell.metadata, tags };
  if (tags.length === 0) delete metadata.tags;
  // Timing of the instructor's run says nothing to a student.
  delete metadata.execution;
  if (cell.cell_type === "code") return studentCodeCell({ ...cell, metadata }, exercise);
  if (cell.cell_type === "markdown") return studentMarkdownCell({ ...cell, metadata });
  return { ...cell, metadata };
}

function studentCodeCell(cell: CodeCell, exercise: string): CodeCell {
  const stub = (solution: string[], indent: string) => codeStub(solution, indent, exercise);
  return { ...cell, source: replaceRegions(cell.source, "code", stub), outputs: [], execution_count: null };
}

function studentMarkdownCell(cell: MarkdownCell): MarkdownCell {
  if (!hasMarkers(cell.source.split("\n"), "markdown")) return cell;
  return { ...cell, source: replaceRegions(cell.source, "markdown", () => [MARKDOWN_ANSWER_STUB]) };
}

/** The source with each region (markers included) replaced by the lines `stub` makes from it. */
function replaceRegions(
  source: string,
  style: MarkerStyle,
  stub: (solution: string[], indent: string) => string[],
): string {
  const lines = source.split("\n");
  const regions = findRegions(lines, style);
  if (regions.length === 0) return source;
  const result: string[] = [];
  let next = 0;
  for (const region of regions) {
    result.push(...lines.slice(next, region.begin));
    result.push(...stub(lines.slice(region.begin + 1, region.end), region.indent));
    next = region.end + 1;
  }
  result.push(...lines.slice(next));
  return result.join("\n");
}

/**
 * nbgrader's `raise NotImplementedError()` in TypeScript: the cell compiles, and running it says,
 * in one line naming the exercise, that it is not done. Names the solution declared are declared
 * again (`let x: any;`) so the code after the region, which uses them, still compiles in tslab.
 */
function codeStub(solution: string[], indent: string, exercise: string): string[] {
  const declarations = topLevelDeclarations(solution.join("\n")).map((name) => `${indent}let ${name}: any;`);
  return [
    `${indent}// TODO: your answer here${declarations.length > 0 ? " (assign the names declared below)" : ""}`,
    ...declarations,
    `${indent}throw new Error(${JSON.stringify(exerciseNotDone(exercise))});`,
  ];
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

// `from "../x"`, `import("../x")`, `require("../x")`: the relative module paths tslab resolves
// from the notebook's folder.
const RELATIVE_SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']*)\2/g;

/**
 * The notebook with relative imports rewritten for a notebook written in `toDir` instead of
 * `fromDir`, so an edition written to out/editions/ still finds the project's compiled helpers.
 */
export function rebaseRelativeImports(notebook: Notebook, fromDir: string, toDir: string): Notebook {
  if (path.resolve(fromDir) === path.resolve(toDir)) return notebook;
  const rebase = (specifier: string): string => {
    const rebased = path.relative(toDir, path.resolve(fromDir, specifier)).split(path.sep).join("/");
    return rebased.startsWith(".") ? rebased : `./${rebased}`;
  };
  return {
    ...notebook,
    cells: notebook.cells.map((cell) =>
      cell.cell_type === "code"
        ? {
            ...cell,
            source: cell.source.replace(
              RELATIVE_SPECIFIER,
              (_, lead: string, quote: string, specifier: string) => `${lead}${quote}${rebase(specifier)}${quote}`,
            ),
          }
        : cell,
    ),
  };
}
