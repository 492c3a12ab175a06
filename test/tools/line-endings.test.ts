/**
 * A clone made the way Git for Windows makes one (core.autocrlf=true) holds LF-only notebooks and
 * scripts, because .gitattributes pins them; without it the same checkout turns them into CRLF.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const PINNED = [
  "notebooks/04-sdk-batch.ipynb",
  "notebooks/05-batch-deep-dive.ipynb",
  ".ci/run",
  ".devcontainer/set-up.sh",
  "package.json",
];

let clone: string;
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "core.autocrlf=true", ...args], { cwd: clone, encoding: "utf8" });
const hasCarriageReturns = (file: string) => readFileSync(path.join(clone, file), "latin1").includes("\r\n");

beforeAll(() => {
  clone = path.join(mkdtempSync(path.join(tmpdir(), "windows-clone-")), "workbook");
  execFileSync("git", ["-c", "core.autocrlf=true", "clone", "-q", "--depth", "1", `file://${root}`, clone]);
});
afterAll(() => rmSync(path.dirname(clone), { recursive: true, force: true }));

describe("line endings in a Windows-style clone", () => {
  it.each(PINNED)("%s is checked out with LF only", (file) => {
    expect(hasCarriageReturns(file)).toBe(false);
  });

  it("would be CRLF without .gitattributes, so the pin is what keeps them LF", () => {
    git("rm", "-q", "--cached", ".gitattributes");
    rmSync(path.join(clone, ".gitattributes"));
    for (const file of PINNED) rmSync(path.join(clone, file));
    git("checkout", "--", ...PINNED);
    expect(PINNED.filter(hasCarriageReturns)).toEqual(PINNED);
  });
});
