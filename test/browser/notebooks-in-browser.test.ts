/**
 * The learner's screen: every notebook and the student edition opened in Jupyter Notebook in
 * Chromium through `npm run notebook`, as a new user would (fresh HOME, so nothing is trusted yet).
 *
 * - First sight, before anything runs: the committed outputs read well untrusted (pictures drawn,
 *   tables coloured), and so does the notebook's nbconvert HTML.
 * - Kernel > Restart & Run All: no cell shows an error, the lab's outcomes are on the page, and a
 *   cell run again shows the same output.
 * - The student edition runs up to its first exercise and stops there with the exercise's message.
 *
 * Full-page screenshots go to out/screenshots/ for a person to look at. The assertions read what
 * the page shows, never exact narration, so that rewording a cell does not break them.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_NOT_DONE } from "../../src/tools/editions/editions";
import { labNotebooks, projectRoot } from "../../src/tools/project-paths";
import { JUPYTER_PYTHON } from "../tools/jupyter/jupyter-driver";
import { type LaunchedJupyter, launchJupyterForTest } from "../tools/notebook/launched-jupyter";
import {
  type Browser,
  browserTestsCanRun,
  browserTestsMissing,
  launchBrowser,
  openNotebook,
  RUN_ALL_TIMEOUT_MS,
  restartAndRunAll,
  runCellAgain,
  saveScreenshot,
  type ShownCell,
  shownCells,
  shownStaticOutputs,
  isTrusted,
} from "./notebook-page";

const LAB = "04-sdk-batch.ipynb";
const DEEP_DIVE = "05-batch-deep-dive.ipynb";
const notebooks = labNotebooks().map((path) => basename(path));

/** Expected errors are tagged `raises-exception` (Jupyter Book's tag); any other stderr is a failure. */
function unexpectedErrors(cells: readonly ShownCell[]): string[] {
  return cells
    .filter((cell) => cell.errorText !== "" && !cell.tags.includes("raises-exception"))
    .map((cell) => `cell ${cell.index}: ${cell.errorText.split("\n").slice(0, 4).join(" | ")}`);
}

/** The lab's outcomes, as the page shows them after Run All. */
function expectLabOutcomes(cells: readonly ShownCell[]): void {
  const texts = cells.map((cell) => cell.text);
  const goodBatch = texts.findIndex((text) => /\b201\b[\s\S]*\b201\b/.test(text) && !/\b424\b/.test(text));
  expect(goodBatch, "a batch whose two creates both answer 201").toBeGreaterThanOrEqual(0);
  const errantBatch = texts.findIndex((text) => /\b424\b/.test(text) && /\b400\b/.test(text));
  expect(errantBatch, "a batch answering 424 for one operation and 400 for the other").toBeGreaterThan(goodBatch);
  expect(texts[errantBatch]).toContain("Rolled back");
  // The proof: read back after the failed batch, the partition's table holds the good batch's items, not the light.
  const proof = cells.findIndex(
    (cell, index) =>
      index > errantBatch &&
      cell.tableRows.some((row) => row.includes("Worn Saddle")) &&
      cell.tableRows.some((row) => row.includes("Rusty Handlebar")),
  );
  expect(proof, "the partition read back after the failed batch").toBeGreaterThan(errantBatch);
  expect(cells[proof]?.tableRows.filter((row) => row.includes("Strobe Light"))).toEqual([]);
}

function expectPicturesDrawn(cells: readonly ShownCell[]): void {
  const withPictures = cells.filter((cell) => cell.pictures > 0);
  expect(withPictures.length, "cells showing a partition picture").toBeGreaterThan(0);
  for (const cell of withPictures)
    expect(cell.loadedImages, `pictures drawn in cell ${cell.index}`).toBe(cell.pictures);
  // The symptom of an SVG stripped to text: its labels run together ("Before4 itemsAfter5 items").
  expect(cells.filter((cell) => /items\s*After\s*\d/.test(cell.text)).map((cell) => cell.index)).toEqual([]);
}

function fileDigest(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

describe("the notebooks in Jupyter, in Chromium", () => {
  if (!browserTestsCanRun()) {
    browserTestsMissing("The browser tests");
    return;
  }

  let jupyter: LaunchedJupyter;
  let browser: Browser;
  const committed = new Map(labNotebooks().map((path) => [path, fileDigest(path)]));

  beforeAll(async () => {
    // One launcher for everything: it writes the student edition and serves the whole project.
    jupyter = await launchJupyterForTest(["--edition", "student"]);
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await jupyter?.stop();
    // Nothing the browser did may have been saved over a committed notebook.
    for (const [path, digest] of committed) expect(fileDigest(path), `${path} unchanged`).toBe(digest);
  });

  for (const name of notebooks) {
    const stem = name.replace(/\.ipynb$/, "");

    it(`${name}: opened untrusted, its committed outputs read well before anything runs`, async () => {
      const page = await openNotebook(browser.context, jupyter.base, jupyter.token, `notebooks/${name}`);
      try {
        expect(await isTrusted(page)).toBe(false);
        const cells = await shownCells(page);
        expect(
          cells.some((cell) => cell.text !== ""),
          "committed outputs are shown",
        ).toBe(true);
        if (name === DEEP_DIVE) expectPicturesDrawn(cells);
        // Outcome tables keep their colours: the sanitiser keeps bgcolor where it drops styles.
        expect(
          cells.reduce((sum, cell) => sum + cell.colouredCells, 0),
          "coloured table cells",
        ).toBeGreaterThan(0);
        await saveScreenshot(page, `${stem}-untrusted`);
      } finally {
        await page.close();
      }
    }, 120_000);

    it(
      `${name}: Restart & Run All shows the outcomes and no error, and a cell run again shows the same`,
      async () => {
        const page = await openNotebook(browser.context, jupyter.base, jupyter.token, `notebooks/${name}`);
        try {
          await restartAndRunAll(page);
          await saveScreenshot(page, `${stem}-run-all`);
          const cells = await shownCells(page);
          expect(unexpectedErrors(cells)).toEqual([]);
          expect(
            cells.filter((cell) => cell.prompt === "").map((cell) => cell.index),
            "cells not run",
          ).toEqual([]);
          if (name === LAB) expectLabOutcomes(cells);
          if (name === DEEP_DIVE) {
            expectPicturesDrawn(cells);
            expect(cells.some((cell) => cell.text.includes("Rolled back"))).toBe(true);
          }

          const first = cells.find((cell) => cell.text.trim() !== "");
          if (first === undefined) throw new Error(`${name}: no cell printed anything`);
          await runCellAgain(page, first.index);
          const again = (await shownCells(page)).find((cell) => cell.index === first.index);
          expect(again?.text).toBe(first.text);
          expect(again?.errorText).toBe("");
        } finally {
          await page.close();
        }
      },
      RUN_ALL_TIMEOUT_MS + 60_000,
    );
  }

  it(
    `the student edition of ${LAB} runs up to its first exercise and stops there with its one line`,
    async () => {
      const page = await openNotebook(browser.context, jupyter.base, jupyter.token, `out/editions/student/${LAB}`);
      try {
        await restartAndRunAll(page);
        await saveScreenshot(page, `student-${LAB.replace(/\.ipynb$/, "")}-run-all`);
        const cells = await shownCells(page);
        const stub = cells.find((cell) => cell.source.includes(EXERCISE_NOT_DONE));
        if (stub === undefined) throw new Error("The student edition has no exercise stub");
        const failing = cells.filter((cell) => cell.errorText !== "");
        expect(failing.map((cell) => cell.index)).toEqual([stub.index]);
        expect(stub.errorText).toContain(EXERCISE_NOT_DONE);
        const before = cells.filter((cell) => cell.index < stub.index);
        expect(
          before.filter((cell) => cell.prompt === "").map((cell) => cell.index),
          "cells before it ran",
        ).toEqual([]);
        const after = cells.filter((cell) => cell.index > stub.index);
        expect(
          after.filter((cell) => cell.text !== "").map((cell) => cell.index),
          "cells after it show nothing",
        ).toEqual([]);
      } finally {
        await page.close();
      }
    },
    RUN_ALL_TIMEOUT_MS + 60_000,
  );

  for (const name of notebooks) {
    it(`${name}: its nbconvert HTML shows the pictures and coloured tables`, async () => {
      const outDir = await mkdtemp(join(tmpdir(), "nbconvert-"));
      try {
        execFileSync(
          JUPYTER_PYTHON,
          ["-m", "nbconvert", "--to", "html", "--output-dir", outDir, join(projectRoot(), "notebooks", name)],
          {
            stdio: "pipe",
          },
        );
        const page = await browser.context.newPage();
        try {
          await page.goto(`file://${join(outDir, name.replace(/\.ipynb$/, ".html"))}`, { waitUntil: "load" });
          const shown = await shownStaticOutputs(page);
          const committedPictures = countPictureOutputs(join(projectRoot(), "notebooks", name));
          expect(shown.pictures).toBe(committedPictures);
          expect(shown.loadedImages).toBe(committedPictures);
          if (name === DEEP_DIVE) expect(committedPictures).toBeGreaterThan(0);
          expect(shown.colouredCells).toBeGreaterThan(0);
          await saveScreenshot(page, `${name.replace(/\.ipynb$/, "")}-nbconvert`);
        } finally {
          await page.close();
        }
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});

/** Outputs in the committed file that carry a picture (an image/png form). */
function countPictureOutputs(path: string): number {
  const notebook = JSON.parse(readFileSync(path, "utf8")) as {
    cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }>;
  };
  return notebook.cells
    .flatMap((cell) => cell.outputs ?? [])
    .filter((output) => output.data?.["image/png"] !== undefined).length;
}
