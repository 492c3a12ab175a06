import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findProjectRoot } from "../../src/shared/project-root";
import { projectRoot } from "../../src/tools/project-paths";
import { defaultCertificateDirectory } from "../../src/emulator/http/tls";

const repository = path.resolve(__dirname, "..", "..");
const outside = mkdtempSync(path.join(tmpdir(), "no-project-"));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe("findProjectRoot: the one walk up to the project's folder", () => {
  it("finds the folder with package.json from a notebook's folder", () => {
    expect(findProjectRoot(path.join(repository, "notebooks"))).toBe(repository);
  });

  it("passes over a dependency's package.json inside node_modules", () => {
    expect(findProjectRoot(path.join(repository, "node_modules", "zod"))).toBe(repository);
  });

  it("answers undefined outside any project", () => {
    expect(findProjectRoot(outside)).toBeUndefined();
  });

  it("is what the tools and the emulator's certificate cache use", () => {
    expect(projectRoot()).toBe(repository);
    expect(defaultCertificateDirectory(path.join(repository, "src", "emulator", "http"))).toBe(
      path.join(repository, ".cache", "emulator-tls"),
    );
    expect(defaultCertificateDirectory(outside)).toBe(path.join(outside, ".cache", "emulator-tls"));
  });
});
