/**
 * The notebooks as committed: valid nbformat 4.5 with unique cell ids, and no key, signature or
 * token anywhere in them (they are committed with outputs, so a printed secret would be published).
 * Runs without Jupyter; the nbformat schema check runs too when Debian's Jupyter is installed.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { VALID_CELL_ID, parseNotebook } from "../../../src/tools/notebook/nbformat";
import { labNotebooks } from "../../../src/tools/project-paths";
import { executeNotebook, jupyterIsInstalled, temporaryKernel } from "./jupyter-driver";
import { findSecrets, findSecretsInText } from "./secrets";

interface RawNotebook {
  nbformat?: unknown;
  nbformat_minor?: unknown;
  cells?: Array<{ id?: unknown }>;
}

describe.each(labNotebooks().map((path) => [basename(path), path]))("committed %s", (_, path) => {
  const text = readFileSync(path, "utf8");

  it("is nbformat 4.5 or later and every cell has its own valid id", () => {
    const raw = JSON.parse(text) as RawNotebook;
    expect([raw.nbformat, typeof raw.nbformat_minor === "number" && raw.nbformat_minor >= 5]).toEqual([4, true]);
    const ids = (raw.cells ?? []).map((cell) => cell.id);
    expect(ids.filter((id) => typeof id !== "string" || !VALID_CELL_ID.test(id))).toEqual([]);
    expect(
      ids.filter((id, index) => ids.indexOf(id) !== index),
      "repeated cell ids",
    ).toEqual([]);
  });

  it.runIf(jupyterIsInstalled())("passes nbformat's own schema validation", async () => {
    const kernel = await temporaryKernel();
    try {
      expect((await executeNotebook(kernel, path, "validate")).validationProblems).toEqual([]);
    } finally {
      await kernel.dispose();
    }
  });

  it("holds no key, signature or token", () => {
    expect(findSecrets(parseNotebook(text))).toEqual([]);
    // The whole file too, in case a secret hides where the cell-by-cell scan does not look.
    expect(findSecretsInText(text)).toEqual([]);
  });
});
