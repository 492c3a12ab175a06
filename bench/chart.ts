/**
 * The chart in docs/performance.md, drawn from the benchmark's rows by Vega-Lite (compiled to Vega
 * and rendered to SVG in Node, no browser): median latencies, the emulator beside vercel's server,
 * and the workbook's end-to-end times beside a bare notebook.
 */
import type { BenchRow } from "./bench-table";

interface Bar {
  chart: string;
  row: string;
  server: string;
  ms: number;
}

function barsOf(rows: BenchRow[]): Bar[] {
  const latency = rows.filter(
    (row) => row.unit === "ms" && row.name.endsWith("p50") && /Point operations|batches/.test(row.section),
  );
  const workbook = rows.filter((row) => row.section.startsWith("Workbook") && !row.name.startsWith("cell"));
  const toBars = (chart: string, selected: BenchRow[]) =>
    selected.flatMap((row) =>
      Object.entries(row.values)
        .filter(([, ms]) => Number.isFinite(ms))
        .map(([server, ms]) => ({ chart, row: row.name.replace(/`/g, ""), server, ms })),
    );
  return [...toBars("p50 latency (ms), one caller", latency), ...toBars("workbook (ms)", workbook)];
}

export async function chartSvg(rows: BenchRow[]): Promise<string> {
  const vega = await import("vega");
  const vegaLite = await import("vega-lite");
  const bars = barsOf(rows);
  const panel = (chart: string) => ({
    title: chart,
    transform: [{ filter: { field: "chart", equal: chart } }],
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "row", type: "nominal", sort: null, title: null },
      yOffset: { field: "server" },
      x: { field: "ms", type: "quantitative", title: "milliseconds (lower is better)" },
      color: { field: "server", type: "nominal", title: null },
    },
    width: 520,
  });
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values: bars },
    vconcat: [...new Set(bars.map((bar) => bar.chart))].map(panel),
    resolve: { scale: { color: "independent" } },
    config: { font: "sans-serif", view: { stroke: null } },
  };
  const compiled = vegaLite.compile(spec as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
