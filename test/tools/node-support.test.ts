/**
 * Which Node each learner can use: package.json's `engines`, the lockfile, the CI matrix, the dev
 * container and the doctor must agree, or a learner on one of them meets a package that refuses it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { TESTED_NODE_MAJORS } from "../../src/tools/doctor";

const root = path.resolve(__dirname, "..", "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
/**
 * The project's lockfile and the benchmark's yardstick's: `npm run bench` installs and runs
 * bench/yardstick/ with the same Node as everything else, so its packages must accept it too.
 */
const LOCKFILES = ["package-lock.json", "bench/yardstick/package-lock.json"];
const lockedPackages = LOCKFILES.flatMap((lockfile) =>
  Object.entries(
    (
      JSON.parse(read(lockfile)) as {
        packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
      }
    ).packages,
  ).map(([location, manifest]) => [`${lockfile}: ${location || "(root)"}`, manifest] as const),
);

describe("supported Node versions", () => {
  it("every package locked for the project or the benchmark accepts every Node that engines allows (so @azure/cosmos stays on a release that runs on Node 20)", () => {
    const refusing = lockedPackages.flatMap(([location, manifest]) => {
      const wanted = Array.isArray(manifest.engines) ? undefined : manifest.engines?.node;
      return wanted === undefined || semver.subset(engines, wanted)
        ? []
        : [`${location}@${manifest.version} wants node ${wanted}`];
    });
    expect(
      refusing,
      `engines says "${engines}"; pin these lower, or raise engines and the README's Node versions`,
    ).toEqual([]);
  });

  it("each tested major is inside engines, and the doctor, CI and dev container name the same ones", () => {
    for (const major of TESTED_NODE_MAJORS)
      expect(semver.intersects(`${major}.x`, engines), `Node ${major}`).toBe(true);
    expect(read(".ci/run")).toContain(`for major in ${TESTED_NODE_MAJORS.join(" ")}; do`);
    const image = (JSON.parse(read(".devcontainer/devcontainer.json")) as { image: string }).image;
    const imageMajor = Number(/typescript-node:\d+-(\d+)-/.exec(image)?.[1]);
    expect(TESTED_NODE_MAJORS).toContain(imageMajor);
  });

  it("the README says which versions are supported and tested", () => {
    expect(read("README.md")).toContain(
      `Node.js ${TESTED_NODE_MAJORS.slice(0, -1).join(", ")} or ${TESTED_NODE_MAJORS.at(-1)}`,
    );
  });
});
