/**
 * `npm run doctor`: every check passes on an untouched project, and each one fails with its fix
 * when its piece is missing. The broken projects are temporary copies; the real tree is only read.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  allWell,
  checkBackend,
  checkBuild,
  checkDataFolder,
  checkDependencies,
  checkEnvFile,
  checkJupyter,
  checkKernel,
  checkNode,
  checkZeroMq,
  formatReport,
  runDoctor,
  type CheckResult,
} from "../../src/tools/doctor";
import { startEmulator, WELL_KNOWN_EMULATOR_KEY } from "../../src/emulator/index";
import { kernelsDirIn, workbookKernelSpec, writeKernelSpec } from "../../src/tools/kernelspec";
import { tslabBinary } from "../../src/tools/project-paths";

const root = path.resolve(__dirname, "..", "..");
const packageJson = { engines: { node: "^20.19.0 || ^22.13.0 || >=24.0.0" } };
const scratch = mkdtempSync(path.join(tmpdir(), "doctor-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An environment with no COSMOS_* settings, so the developer's own shell cannot change a verdict. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("COSMOS_")));
  return { ...env, ...extra };
}

/** A new empty folder under the scratch folder (names may hold spaces). */
function folder(name: string): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A project folder with the real package.json and lockfile, and whatever the test adds. */
function projectCopy(name: string): string {
  const dir = folder(name);
  copyFileSync(path.join(root, "package.json"), path.join(dir, "package.json"));
  copyFileSync(path.join(root, "package-lock.json"), path.join(dir, "package-lock.json"));
  return dir;
}

/** node_modules/ whose entries link to the real ones, except those named. */
function linkedNodeModules(dir: string, except: readonly string[] = []): void {
  const target = path.join(dir, "node_modules");
  mkdirSync(target);
  for (const entry of readdirSync(path.join(root, "node_modules"))) {
    if (entry.startsWith(".") || except.includes(entry)) continue;
    symlinkSync(path.join(root, "node_modules", entry), path.join(target, entry), "junction");
  }
}

function runBootstrap(projectDir: string) {
  const result = spawnSync(process.execPath, [path.join(projectDir, "scripts", "doctor.cjs")], {
    cwd: projectDir,
    encoding: "utf8",
    // Other projects on this machine may have registered a kernel of the same name for this user.
    env: cleanEnv({ JUPYTER_DATA_DIR: folder("jupyter data of the doctor's user") }),
  });
  return { code: result.status, stdout: result.stdout };
}

describe("the doctor on this project", () => {
  it("passes through `npm run doctor`'s own entry point, one line per check and the verdict last", () => {
    const { code, stdout } = runBootstrap(root);
    expect(stdout).toMatch(/^ok {4}Node\.js +v\d+\.\d+\.\d+/m);
    expect(stdout).toMatch(/^ok {4}dependencies +all \d+ installed, as the lockfile pins them\.$/m);
    expect(stdout).toMatch(/^ok {4}kernel messaging \(ZeroMQ\) +the native module loads on linux-x64\.$/m);
    expect(stdout).toMatch(/^ok {4}dist\/ built +\d+ modules compiled\.$/m);
    expect(stdout).toMatch(/^ok {4}backend +the embedded emulator starts and answers over verified TLS\.$/m);
    expect(stdout).not.toMatch(/^FAIL/m);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("All is well: `npm run lab` runs the lab.");
    expect(code).toBe(0);
  });
});

describe("what scripts/doctor.cjs says when the doctor itself cannot load", () => {
  function bareProject(name: string): string {
    const dir = projectCopy(name);
    mkdirSync(path.join(dir, "scripts"));
    copyFileSync(path.join(root, "scripts", "doctor.cjs"), path.join(dir, "scripts", "doctor.cjs"));
    return dir;
  }

  it("names `npm install` when node_modules/ is missing, and exits 1", () => {
    const { code, stdout } = runBootstrap(bareProject("fresh without install"));
    expect(stdout).toContain(
      "FAIL  dependencies  node_modules/ is missing. Fix: run `npm install` in the project folder.",
    );
    expect(code).toBe(1);
  });

  it("names `npm run build` when dist/ was never built, and exits 1", () => {
    const dir = bareProject("installed but not built");
    mkdirSync(path.join(dir, "node_modules"));
    const { code, stdout } = runBootstrap(dir);
    expect(stdout).toContain("FAIL  dist/ built  dist/ holds no build. Fix: run `npm run build`");
    expect(code).toBe(1);
  });
});

describe("each check, with its piece missing", () => {
  it("Node.js: an old or odd release fails with where to get a supported one; an untested newer one is a note", () => {
    expect(checkNode("v18.20.4", packageJson)).toMatchObject({
      status: "fail",
      finding: "v18.20.4 is not one this project supports (^20.19.0 || ^22.13.0 || >=24.0.0).",
      fix: expect.stringContaining("https://nodejs.org"),
    });
    expect(checkNode("v20.11.0", packageJson).status).toBe("fail");
    expect(checkNode("v23.11.0", packageJson).status).toBe("fail");
    expect(checkNode("v26.1.0", packageJson)).toMatchObject({
      status: "optional",
      finding: "v26.1.0 should work, but the suite runs on Node 20, 22 and 24 only.",
    });
    expect(checkNode("v22.13.0", packageJson).status).toBe("ok");
  });

  it("dependencies: names the one that is not installed and the one whose version differs from the lockfile", () => {
    const dir = projectCopy("one dependency missing");
    linkedNodeModules(dir, ["zod", "dotenv"]);
    mkdirSync(path.join(dir, "node_modules", "dotenv"));
    writeFileSync(path.join(dir, "node_modules", "dotenv", "package.json"), '{"name":"dotenv","version":"16.0.0"}');
    const result = checkDependencies(dir);
    expect(result.status).toBe("fail");
    expect(result.finding).toContain("zod is not installed");
    expect(result.finding).toMatch(/dotenv is 16\.0\.0, the lockfile says \d+\.\d+\.\d+/);
    expect(result.fix).toBe("run `npm install` in the project folder.");
  });

  it("ZeroMQ: a zeromq without its prebuilt binaries fails with the rebuild command", () => {
    const dir = projectCopy("zeromq without binaries");
    linkedNodeModules(dir, ["zeromq"]);
    cpSync(path.join(root, "node_modules", "zeromq"), path.join(dir, "node_modules", "zeromq"), {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}zeromq${path.sep}build`),
    });
    const result = checkZeroMq(dir);
    expect(result.status).toBe("fail");
    expect(result.finding).toMatch(/^zeromq does not load on linux-x64 \(Failed to load zeromq\.js addon\.node/);
    expect(result.fix).toContain("npm rebuild zeromq");
  });

  it("dist/: names the compiled files that are missing and `npm run build`", () => {
    const dir = folder("build missing a module");
    mkdirSync(path.join(dir, "src", "workbook"), { recursive: true });
    mkdirSync(path.join(dir, "dist", "workbook"), { recursive: true });
    for (const name of ["config", "client"]) writeFileSync(path.join(dir, "src", "workbook", `${name}.ts`), "");
    writeFileSync(path.join(dir, "dist", "workbook", "config.js"), "");
    expect(checkBuild(dir)).toEqual({
      name: "dist/ built",
      status: "fail",
      finding: `${path.join("dist", "workbook", "client.js")} missing.`,
      fix: "run `npm run build` (notebooks import the compiled helpers from dist/).",
    });
  });

  it("kernel: absent is a note naming `npm run kernel`; registered for this project is ok", async () => {
    const env = cleanEnv({ JUPYTER_DATA_DIR: folder("jupyter data without the kernel") });
    expect(await checkKernel(root, env)).toMatchObject({
      status: "optional",
      finding: expect.stringContaining("only VS Code and Jupyter need it"),
      fix: "run `npm run kernel` to use the notebooks there.",
    });
    await writeKernelSpec(kernelsDirIn(env.JUPYTER_DATA_DIR!), workbookKernelSpec(process.execPath, tslabBinary(root)));
    expect(await checkKernel(root, env)).toMatchObject({ status: "ok" });
  });

  it("kernel: one registered by another clone fails, naming both tslabs and `npm run kernel`", async () => {
    const dataDir = folder("jupyter data of another clone");
    const elsewhere = path.join(scratch, "old clone", "node_modules", "tslab", "bin", "tslab");
    await writeKernelSpec(kernelsDirIn(dataDir), workbookKernelSpec(process.execPath, elsewhere));
    expect(await checkKernel(root, cleanEnv({ JUPYTER_DATA_DIR: dataDir }))).toEqual({
      name: "kernel registered",
      status: "fail",
      finding: `The kernel runs ${elsewhere}, not ${tslabBinary(root)}.`,
      fix: "run `npm run kernel` in the project folder to register it again.",
    });
  });

  it("Jupyter: missing is a note that says only the browser route needs it, so the doctor still passes", () => {
    const result = checkJupyter({ PATH: folder("a PATH with no jupyter") });
    expect(result).toMatchObject({
      status: "optional",
      fix: expect.stringContaining("apt-get install -y jupyter-notebook"),
    });
    expect(result.finding).toContain("`npm run lab` and VS Code do not");
    expect(allWell([result])).toBe(true);
  });

  it(".env: a bad value fails with the setting's own sentence, and the backend is not tried", async () => {
    const dir = folder("bad env");
    writeFileSync(path.join(dir, ".env"), "COSMOS_THROUGHPUT=250\n");
    const { result, config } = checkEnvFile(dir, cleanEnv());
    expect(result).toEqual({
      name: ".env",
      status: "fail",
      finding: "COSMOS_THROUGHPUT must be a whole number of RU/s, at least 400 and a multiple of 100, like 400.",
      fix: "correct the settings in .env (see .env.example).",
    });
    expect(await checkBackend(config, 1_000)).toMatchObject({ status: "fail", fix: "fix .env first." });
  });

  it("data folder: one held by a running emulator fails, naming its process; once stopped it is free", async () => {
    const dir = folder("data folder project");
    writeFileSync(path.join(dir, ".env"), "COSMOS_EMULATOR_DATA_PATH=emulator data\n");
    const { config } = checkEnvFile(dir, cleanEnv());
    const dataPath = path.join(dir, "emulator data");
    expect(checkDataFolder(config)).toEqual({
      name: "data folder",
      status: "ok",
      finding: `${dataPath} is created on first use.`,
    });
    const holder = await startEmulator({ dataPath });
    try {
      const held = checkDataFolder(config);
      expect(held.status).toBe("fail");
      expect(held.finding).toMatch(new RegExp(`in use by another emulator \\(process ${process.pid} on `));
      expect(held.fix).toMatch(/^stop that emulator .* or set COSMOS_EMULATOR_DATA_PATH to another folder\.$/);
    } finally {
      await holder.stop();
    }
    expect(checkDataFolder(config)).toEqual({
      name: "data folder",
      status: "ok",
      finding: `${dataPath} is free for the notebook's emulator.`,
    });
  });

  it("backend: a port where nothing listens fails fast with what to check", async () => {
    const dir = folder("refused");
    writeFileSync(
      path.join(dir, ".env"),
      `COSMOS_ENDPOINT=https://127.0.0.1:1/\nCOSMOS_KEY=${WELL_KNOWN_EMULATOR_KEY}\n`,
    );
    const { config } = checkEnvFile(dir, cleanEnv());
    expect(await checkBackend(config, 5_000)).toEqual({
      name: "backend",
      status: "fail",
      finding: "Nothing answers at https://127.0.0.1:1/ (ECONNREFUSED).",
      fix: "check COSMOS_ENDPOINT, your network, and that the emulator or account is running.",
    });
  });

  it("backend: a host that accepts the connection and never answers is given up after the timeout", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const dir = folder("silent");
      writeFileSync(
        path.join(dir, ".env"),
        `COSMOS_ENDPOINT=https://127.0.0.1:${port}/\nCOSMOS_KEY=${WELL_KNOWN_EMULATOR_KEY}\n`,
      );
      const { config } = checkEnvFile(dir, cleanEnv());
      const result = await checkBackend(config, 1_500);
      expect(result.status).toBe("fail");
      expect(result.finding).toBe(
        `Cosmos DB emulator at https://127.0.0.1:${port}/ with a key did not answer within 1.5 s.`,
      );
      expect(result.fix).toMatch(/^check COSMOS_ENDPOINT \(address and port\)/);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it("backend: a wrong key is reported as rejected, and neither key appears in the report", async () => {
    const emulator = await startEmulator({ certificateDirectory: folder("tls") });
    const wrongKey = Buffer.from("not the emulator's key, but base64 all the same").toString("base64");
    try {
      const dir = folder("wrong key");
      const caPath = path.join(dir, "emulator-ca.pem");
      writeFileSync(caPath, emulator.ca);
      writeFileSync(
        path.join(dir, ".env"),
        `COSMOS_ENDPOINT=${emulator.endpoint}\nCOSMOS_KEY=${wrongKey}\nCOSMOS_CA=emulator-ca.pem\n`,
      );
      const { result: envResult, config } = checkEnvFile(dir, cleanEnv());
      const backend = await checkBackend(config, 5_000);
      expect(backend.status).toBe("fail");
      expect(backend.finding).toBe(`${emulator.endpoint} rejected COSMOS_KEY (401 Unauthorized).`);
      expect(backend.fix).toMatch(/^copy the primary key again/);
      const report = formatReport([envResult, backend]);
      expect(report).not.toContain(wrongKey);
      expect(report).not.toContain(WELL_KNOWN_EMULATOR_KEY);
    } finally {
      await emulator.stop();
    }
  });
});

describe("the report", () => {
  const ok: CheckResult = { name: "Node.js", status: "ok", finding: "v22.13.0." };
  const failed: CheckResult = {
    name: "dist/ built",
    status: "fail",
    finding: "dist/ holds no build.",
    fix: "run `npm run build`.",
  };

  it("puts each fix on its check's line and counts the failures in the verdict", () => {
    expect(formatReport([ok, failed]).split("\n")).toEqual([
      "ok    Node.js      v22.13.0.",
      "FAIL  dist/ built  dist/ holds no build. Fix: run `npm run build`.",
      "",
      "1 check failed: apply the fix on its line, then run `npm run doctor` again.",
    ]);
    expect(allWell([ok, failed])).toBe(false);
  });

  it("runs every check against a given folder and says which failed", async () => {
    const results = await runDoctor({
      root: projectCopy("nothing installed"),
      env: cleanEnv(),
      backendTimeoutMs: 5_000,
    });
    const failedNames = results.filter((result) => result.status === "fail").map((result) => result.name);
    expect(failedNames).toEqual(["dependencies", "kernel messaging (ZeroMQ)", "dist/ built", "kernel registered"]);
    expect(results.map((result) => result.name)).toContain("data folder");
  });
});
