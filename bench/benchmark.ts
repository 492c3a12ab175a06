/**
 * `npm run bench`: the emulator against @vercel/cosmosdb-server through the same SDK, and the
 * workbook in the real tslab kernel against a bare notebook. Prints Markdown tables with the ratio
 * per row and rewrites the generated part of docs/performance.md and its chart. The start-up and
 * database parts first install @vercel/cosmosdb-server in bench/yardstick/ if it is not there yet
 * (bench/vercel-server.ts); the workbook part needs no network.
 *
 *   npm run bench                  # everything, a few minutes on 2 cores
 *   npm run bench -- --only database|startup|workbook --scale 0.5 --no-write
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { WELL_KNOWN_EMULATOR_KEY } from "../src/emulator/index";
import { defaultCertificateDirectory, loadOrCreateCertificate } from "../src/emulator/http/tls";
import { type BenchRow, markdownTables } from "./bench-table";
import { chartSvg } from "./chart";
import { databaseRows } from "./database-rows";
import { startupRows } from "./startup-rows";
import { installYardstickIfNeeded } from "./vercel-server";
import { workbookRows } from "./workbook-rows";

const ROOT = path.join(__dirname, "..");
const NOTE = path.join(ROOT, "docs", "performance.md");
const CHART = path.join(ROOT, "docs", "performance-chart.svg");
const BEGIN = "<!-- bench:begin (written by npm run bench) -->";
const END = "<!-- bench:end -->";

const { values: args } = parseArgs({
  options: {
    only: { type: "string" },
    scale: { type: "string", default: "1" },
    "no-write": { type: "boolean", default: false },
  },
});

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function measure(): Promise<BenchRow[]> {
  const tls = await loadOrCreateCertificate(defaultCertificateDirectory());
  const scale = Number(args.scale);
  const wanted = (part: string) => args.only === undefined || args.only === part;
  const rows: BenchRow[] = [];
  if (wanted("startup") || wanted("database")) installYardstickIfNeeded(log);
  if (wanted("startup")) {
    log("start-up...");
    rows.push(...(await startupRows(tls, 5)));
  }
  if (wanted("database")) {
    log("the emulator and @vercel/cosmosdb-server...");
    rows.push(...(await databaseRows({ ca: tls.cert, key: WELL_KNOWN_EMULATOR_KEY, scale, log })));
  }
  if (wanted("workbook")) {
    log("the workbook...");
    rows.push(...(await workbookRows(3, log)));
  }
  return rows;
}

function generatedSection(rows: BenchRow[], seconds: number): string {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}`;
  // Other work on the machine moves the figures: say how busy it was.
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(", ");
  return [
    BEGIN,
    `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine}, in ${seconds.toFixed(0)} s; load average at the end ${load}.`,
    "",
    markdownTables(rows),
    "",
    "![p50 latencies and workbook times](performance-chart.svg)",
    END,
  ].join("\n");
}

function writeNote(section: string): void {
  const note = readFileSync(NOTE, "utf8");
  const start = note.indexOf(BEGIN);
  const end = note.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/performance.md has lost its markers ${BEGIN} ... ${END}.`);
  writeFileSync(NOTE, note.slice(0, start) + section + note.slice(end + END.length));
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const rows = await measure();
  const section = generatedSection(rows, (performance.now() - startedAt) / 1000);
  console.log(section);
  if (!args["no-write"] && args.only === undefined) {
    writeNote(section);
    writeFileSync(CHART, await chartSvg(rows));
    log(`wrote ${path.relative(ROOT, NOTE)} and ${path.relative(ROOT, CHART)}`);
  }
}

main().catch((error: unknown) => {
  console.error(`The benchmark failed: ${(error as Error).message}`);
  process.exit(1);
});
