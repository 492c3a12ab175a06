/**
 * The embedded emulator's data folder as learners spell it in .env: relative, with spaces and a
 * backslash (a Windows separator, an ordinary character elsewhere). The data survives a restart
 * wherever that spelling lands on this system, and nothing is written anywhere else.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeConnections, connect, prepareContainer } from "../../src/workbook/client";
import { loadConfig } from "../../src/workbook/config";

const project = mkdtempSync(path.join(tmpdir(), "data path spelling "));
const spelled = String.raw`.cache\emulator data`;
afterAll(async () => {
  await closeConnections();
  rmSync(project, { recursive: true, force: true });
});

describe("COSMOS_EMULATOR_DATA_PATH with spaces and a backslash", () => {
  it("resolves against the project folder, and keeps an item across an emulator restart", async () => {
    writeFileSync(path.join(project, ".env"), `COSMOS_EMULATOR_DATA_PATH="${spelled}"\n`);
    const config = loadConfig({ env: {}, envFile: path.join(project, ".env") });
    const dataPath = path.resolve(project, spelled);
    expect(config).toMatchObject({ backend: "embedded-emulator", emulatorDataPath: dataPath });

    const first = await prepareContainer(await connect(config));
    await first.container.items.create({ id: "kept", categoryId: "spaces", name: "Kept across restarts" });
    await closeConnections();

    const second = await prepareContainer(await connect(config));
    const { resource } = await second.container.item("kept", "spaces").read<{ name: string }>();
    expect(resource?.name).toBe("Kept across restarts");
    expect(existsSync(dataPath)).toBe(true);
    expect(readdirSync(project).sort()).toEqual([".env", path.relative(project, dataPath).split(path.sep)[0]].sort());
  });
});
