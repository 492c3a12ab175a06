/**
 * The lab notebooks' shape, as a reader meets it: code that fits the page, exercises numbered from 1,
 * no step that points ahead to one not reached yet, and nothing that deletes unless asked to.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { TAG_SKIP_EXECUTION, hasTag, parseNotebook } from "../../../src/tools/notebook/nbformat";
import { labNotebooks } from "../../../src/tools/project-paths";

const PAGE_COLUMNS = 100;

describe.each(labNotebooks().map((path) => [basename(path), path]))("%s", (_name, path) => {
  const notebook = parseNotebook(readFileSync(path, "utf8"));
  const code = notebook.cells.filter((cell) => cell.cell_type === "code");
  const markdown = notebook.cells.filter((cell) => cell.cell_type === "markdown");

  it(`keeps every line of code within ${PAGE_COLUMNS} columns`, () => {
    const long = code.flatMap((cell) =>
      cell.source
        .split("\n")
        .filter((line) => line.length > PAGE_COLUMNS)
        .map((line) => `${cell.id}: ${line}`),
    );
    expect(long).toEqual([]);
  });

  it("numbers its exercises 1, 2, 3, ... in the order they come", () => {
    const numbers = markdown.flatMap((cell) => /^#+\s+Exercise (\d+)\b/m.exec(cell.source)?.[1] ?? []).map(Number);
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers).toEqual(numbers.map((_number, index) => index + 1));
  });

  it("never points ahead: a section mentions only its own step and the steps before it", () => {
    let section = 0;
    const ahead: string[] = [];
    for (const cell of markdown) {
      section = Number(/^## (\d+)\./m.exec(cell.source)?.[1] ?? section);
      // The title cell, before the first section, is the table of contents.
      if (section === 0) continue;
      for (const match of cell.source.matchAll(/\bsteps? (\d+)/gi))
        if (Number(match[1]) > section) ahead.push(`${cell.id} (section ${section}): ${match[0]}`);
    }
    expect(ahead).toEqual([]);
  });

  it("deletes nothing unless a flag in the cell, false as committed, says so; and skips no cell", () => {
    expect(notebook.cells.filter((cell) => hasTag(cell, TAG_SKIP_EXECUTION)).map((cell) => cell.id)).toEqual([]);
    const deleting = code.filter((cell) => /\.delete\(\)/.test(cell.source));
    expect(deleting.length).toBeGreaterThan(0);
    for (const cell of deleting) expect(cell.source).toMatch(/^const delete\w+ = false;$/m);
  });
});
