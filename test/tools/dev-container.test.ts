/**
 * The dev container (VS Code, Codespaces) opens the workbook ready. CI runs its set-up script for
 * real on a clean clone (.ci/run); here we check that the container is wired to that script.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const devcontainer = JSON.parse(readFileSync(path.join(root, ".devcontainer", "devcontainer.json"), "utf8")) as {
  postCreateCommand: string;
  customizations: { vscode: { extensions: string[] } };
};

describe("the dev container", () => {
  it("runs .devcontainer/set-up.sh once created, and CI runs the same script", () => {
    expect(devcontainer.postCreateCommand).toBe("bash .devcontainer/set-up.sh");
    const script = path.join(root, ".devcontainer", "set-up.sh");
    expect(existsSync(script)).toBe(true);
    expect(statSync(script).mode & 0o111).not.toBe(0);
    expect(readFileSync(path.join(root, ".ci", "run"), "utf8")).toContain("bash .devcontainer/set-up.sh");
  });

  it("brings VS Code's Jupyter extension, which offers the registered kernel", () => {
    expect(devcontainer.customizations.vscode.extensions).toContain("ms-toolsai.jupyter");
  });
});
