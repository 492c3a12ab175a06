import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNotebook, type Cell, type Notebook } from "../../../src/tools/notebook/nbformat";
import {
  EXERCISE_NOT_DONE,
  EditionError,
  INSTRUCTOR_NOTE_HEADING,
  MARKDOWN_ANSWER_STUB,
  instructorEdition,
  isInstructorNote,
  makeEditions,
  rebaseRelativeImports,
  studentEdition,
} from "../../../src/tools/editions/editions";
import { findRegions, topLevelDeclarations } from "../../../src/tools/editions/regions";
import { projectRoot } from "../../../src/tools/project-paths";

const FIXTURES = join(__dirname, "fixtures");
const fixture = (name: string): Notebook => parseNotebook(readFileSync(join(FIXTURES, name), "utf8"));
const cellById = (notebook: Notebook, id: string): Cell => {
  const cell = notebook.cells.find((candidate) => candidate.id === id);
  if (!cell) throw new Error(`no cell "${id}"`);
  return cell;
};

/** Every line strictly between BEGIN and END markers, in every cell of the notebook. */
function solutionLines(notebook: Notebook): string[] {
  return notebook.cells.flatMap((cell) => {
    const style = cell.cell_type === "code" ? "code" : "markdown";
    const lines = cell.source.split("\n");
    return findRegions(lines, style).flatMap((region) => lines.slice(region.begin + 1, region.end));
  });
}

describe("the student edition", () => {
  const original = fixture("exercises.ipynb");
  const student = studentEdition(original);
  const studentText = JSON.stringify(student);

  it("holds no line of any solution, and no solution marker", () => {
    const lines = solutionLines(original).filter((line) => line.trim() !== "");
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(studentText).not.toContain(JSON.stringify(line.trim()).slice(1, -1));
    expect(studentText).not.toMatch(/BEGIN SOLUTION|END SOLUTION/);
  });

  it("removes instructor notes, tagged or written as RISE speaker notes", () => {
    expect(student.cells.filter(isInstructorNote)).toEqual([]);
    expect(student.cells.map((cell) => cell.id)).not.toContain("note-untagged-slide");
    expect(student.cells.map((cell) => cell.id)).not.toContain("speaker-only");
  });

  it("replaces a code solution with a stub that keeps the code after it compiling", () => {
    expect(cellById(student, "exercise-total-solution").source).toBe(
      [
        "// TODO: your answer here (assign the names declared below)",
        "let total: any;",
        `throw new Error("Exercise 1 ${EXERCISE_NOT_DONE}");`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: this is a notebook cell's source text.
        "console.log(`total: ${total}`);",
      ].join("\n"),
    );
  });

  it("keeps the region's indentation inside a function", () => {
    const source = cellById(student, "exercise-max-solution").source.split("\n");
    expect(source.slice(0, 5)).toEqual([
      "function mostExpensive(values: number[]): number {",
      "  // TODO: your answer here (assign the names declared below)",
      "  let first: any;",
      "  let rest: any;",
      `  throw new Error("Exercise 3 ${EXERCISE_NOT_DONE}");`,
    ]);
  });

  it("replaces a markdown answer with a placeholder", () => {
    expect(cellById(student, "exercise-why-answer").source).toBe(MARKDOWN_ANSWER_STUB);
  });

  it("clears every output and execution count, drops the solution tag and keeps cell ids", () => {
    for (const cell of student.cells) {
      if (cell.cell_type !== "code") continue;
      expect([cell.id, cell.outputs, cell.execution_count]).toEqual([cell.id, [], null]);
      expect(cell.metadata.tags ?? []).not.toContain("solution");
    }
    const kept = original.cells.filter((cell) => !isInstructorNote(cell)).map((cell) => cell.id);
    expect(student.cells.map((cell) => cell.id)).toEqual(kept);
  });

  it("leaves cells without solutions as they were, apart from outputs", () => {
    expect(cellById(student, "setup").source).toBe(cellById(original, "setup").source);
    expect(cellById(student, "intro")).toEqual(cellById(original, "intro"));
  });
});

describe("the instructor edition", () => {
  const original = fixture("exercises.ipynb");
  const instructor = instructorEdition(original);

  it("keeps every cell, solution and output", () => {
    expect(instructor.cells.map((cell) => cell.id)).toEqual(original.cells.map((cell) => cell.id));
    expect(cellById(instructor, "exercise-total-solution")).toEqual(cellById(original, "exercise-total-solution"));
  });

  it("makes every note a RISE speaker note tagged instructor-note", () => {
    for (const id of ["note-untagged-slide", "speaker-only"]) {
      const note = cellById(instructor, id);
      expect(note.metadata.slideshow).toEqual({ slide_type: "notes" });
      expect(note.metadata.tags).toContain("instructor-note");
    }
  });

  it("marks a note visibly unless it already says it is one", () => {
    expect(cellById(instructor, "speaker-only").source).toBe(
      `${INSTRUCTOR_NOTE_HEADING}\n\nMention that reduce starts from 0 here.`,
    );
    expect(cellById(instructor, "note-untagged-slide").source).toBe(cellById(original, "note-untagged-slide").source);
  });
});

describe("solution regions", () => {
  it("fails with the notebook, the cell and the line of an unterminated region", () => {
    const make = () => makeEditions(fixture("unterminated.ipynb"), "notebooks/unterminated.ipynb");
    expect(make).toThrow(EditionError);
    expect(make).toThrow(
      'notebooks/unterminated.ipynb, cell "unclosed" (cell 3): "// BEGIN SOLUTION" on line 2 has no matching "// END SOLUTION"',
    );
  });

  it("rejects an END without a BEGIN and a region opened inside another", () => {
    expect(() => findRegions(["x", "// END SOLUTION"], "code")).toThrow(
      '"// END SOLUTION" on line 2 has no "// BEGIN SOLUTION" before it',
    );
    expect(() => findRegions(["// BEGIN SOLUTION", "// BEGIN SOLUTION"], "code")).toThrow(
      "inside the one opened on line 1",
    );
    expect(() => findRegions(["<!-- BEGIN SOLUTION -->"], "markdown")).toThrow(
      'has no matching "<!-- END SOLUTION -->"',
    );
  });

  it("finds the names a solution declares at its top level", () => {
    expect(
      topLevelDeclarations(
        "const a = 1, { b, c: [d] } = x;\nfunction f() { const inner = 1; }\nclass K {}\nconsole.log(a);",
      ),
    ).toEqual(["a", "b", "d", "f", "K"]);
  });
});

describe("rebasing relative imports", () => {
  it("points the notebook's relative imports at the same files from the edition's folder", () => {
    const notebook = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            cell_type: "code",
            id: "imports",
            metadata: {},
            outputs: [],
            execution_count: null,
            source:
              'import { a } from "../dist/workbook";\nimport type { B } from "@azure/cosmos";\nconst c = require("./local");',
          },
        ],
      }),
    );
    const rebased = rebaseRelativeImports(notebook, "/p/notebooks", "/p/out/editions/student");
    expect(rebased.cells[0]?.source).toBe(
      'import { a } from "../../../dist/workbook";\nimport type { B } from "@azure/cosmos";\nconst c = require("../../../notebooks/local");',
    );
  });
});

describe("the student edition of the lab notebooks", () => {
  const lab = studentEdition(
    parseNotebook(readFileSync(join(projectRoot(), "notebooks", "04-sdk-batch.ipynb"), "utf8")),
  );
  const codeOf = (id: string) => cellById(lab, id).source;

  it("keeps the SDK's calls visible where they are the point of the step", () => {
    expect(codeOf("connect")).toContain("new CosmosClient({");
    expect(codeOf("connect")).toContain("client.databases.createIfNotExists({ id: settings.databaseId })");
    expect(codeOf("connect")).toContain("database.containers.createIfNotExists({");
    expect(codeOf("good-batch")).toContain("container.items.batch(");
    expect(codeOf("errant-batch")).toContain("container.items.batch(errantOperations, usedAccessories)");
    expect(codeOf("errant-batch")).toContain("results.findIndex(");
  });

  it("names each exercise in its stub, numbered from 1 in the order they come", () => {
    const stubs = lab.cells.flatMap((cell) => /throw new Error\("(Exercise \d+) /.exec(cell.source)?.[1] ?? []);
    expect(stubs).toEqual(["Exercise 1", "Exercise 2", "Exercise 3"]);
  });

  it("names a stub with no exercise heading before it generically", () => {
    const bare = studentEdition(
      parseNotebook(
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: {},
          cells: [
            {
              cell_type: "code",
              id: "bare",
              metadata: {},
              outputs: [],
              execution_count: null,
              source: "// BEGIN SOLUTION\nconst answer = 42;\n// END SOLUTION",
            },
          ],
        }),
      ),
    );
    expect(bare.cells[0]?.source).toContain(`throw new Error("This exercise ${EXERCISE_NOT_DONE}");`);
  });
});
