import { describe, expect, it } from "vitest";
import {
  cellTags,
  hasTag,
  parseNotebook,
  serializeNotebook,
  splitLines,
  withTag,
  type CodeCell,
} from "../../../src/tools/notebook/nbformat";

/** What Jupyter writes for a one-cell notebook: sorted keys, indent 1, lists of lines, final newline. */
const JUPYTER_WRITTEN = `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 3,
   "id": "abc123",
   "metadata": {
    "tags": [
     "raises-exception"
    ]
   },
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "one\\n",
      "two\\n"
     ]
    },
    {
     "data": {
      "application/json": {
       "a": 1
      },
      "text/html": [
       "<b>x</b>\\n",
       "<i>y</i>"
      ]
     },
     "metadata": {},
     "output_type": "display_data"
    }
   ],
   "source": [
    "const x = 1;\\n",
    "x"
   ]
  }
 ],
 "metadata": {
  "language_info": {
   "name": "typescript"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`;

describe("nbformat", () => {
  it("joins multi-line texts on read and writes the bytes Jupyter writes", () => {
    const notebook = parseNotebook(JUPYTER_WRITTEN);
    const cell = notebook.cells[0] as CodeCell;
    expect(cell.source).toBe("const x = 1;\nx");
    expect(cell.outputs[0]).toEqual({ output_type: "stream", name: "stdout", text: "one\ntwo\n" });
    expect(cell.outputs[1]).toMatchObject({
      data: { "text/html": "<b>x</b>\n<i>y</i>", "application/json": { a: 1 } },
    });
    expect(serializeNotebook(notebook)).toBe(JUPYTER_WRITTEN);
  });

  it("gives cells without (or with duplicate) ids new ones and upgrades to 4.5", () => {
    const notebook = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 2,
        metadata: {},
        cells: [
          { cell_type: "markdown", metadata: {}, source: "# Title" },
          { cell_type: "code", id: "same", metadata: {}, source: ["1"], outputs: [], execution_count: null },
          { cell_type: "code", id: "same", metadata: {}, source: ["2"], outputs: [], execution_count: null },
        ],
      }),
    );
    const ids = notebook.cells.map((cell) => cell.id);
    expect(notebook.nbformat_minor).toBe(5);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}$/);
    expect(ids[1]).toBe("same");
    expect(new Set(ids).size).toBe(3);
  });

  it("rejects what is not an nbformat 4 notebook", () => {
    expect(() => parseNotebook(JSON.stringify({ nbformat: 3, worksheets: [] }))).toThrow(/nbformat 4/);
    expect(() => parseNotebook(JSON.stringify({ nbformat: 4, cells: [{ cell_type: "bogus" }] }))).toThrow(/bogus/);
  });

  it("splits lines the way Python's splitlines(keepends) does for \\n", () => {
    expect(splitLines("")).toEqual([]);
    expect(splitLines("a")).toEqual(["a"]);
    expect(splitLines("a\n")).toEqual(["a\n"]);
    expect(splitLines("a\n\nb")).toEqual(["a\n", "\n", "b"]);
  });

  it("reads and adds tags without touching the original cell", () => {
    const cell = parseNotebook(JUPYTER_WRITTEN).cells[0]!;
    expect(cellTags(cell)).toEqual(["raises-exception"]);
    const tagged = withTag(cell, "skip-execution");
    expect(hasTag(tagged, "skip-execution")).toBe(true);
    expect(hasTag(cell, "skip-execution")).toBe(false);
    expect(withTag(tagged, "skip-execution")).toBe(tagged);
  });
});
