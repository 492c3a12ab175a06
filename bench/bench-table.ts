/** The benchmark's rows and how they print as Markdown. */

export type Unit = "ms" | "per s" | "µs" | "KB";

export interface BenchRow {
  section: string;
  name: string;
  unit: Unit;
  /** Values per column, e.g. { emulator: 1.2, vercel: 1.5 }. */
  values: Record<string, number>;
  /** The two columns whose ratio is shown (first ÷ second). */
  ratioOf?: [string, string];
  /** What the issue asks of this row, and whether the figure meets it. */
  target?: { text: string; met: (row: BenchRow) => boolean };
}

const format = (value: number | undefined, unit: Unit): string => {
  if (value === undefined || Number.isNaN(value)) return "–";
  const digits = unit === "per s" || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
};

export const ratio = (row: BenchRow): number | undefined => {
  if (!row.ratioOf) return undefined;
  const [top, bottom] = row.ratioOf;
  const a = row.values[top];
  const b = row.values[bottom];
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
};

/** One Markdown table per section; the columns are the union of the section's value names. */
export function markdownTables(rows: BenchRow[]): string {
  const sections = [...new Set(rows.map((row) => row.section))];
  return sections
    .map((section) => {
      const sectionRows = rows.filter((row) => row.section === section);
      const columns = [...new Set(sectionRows.flatMap((row) => Object.keys(row.values)))];
      const head = ["", ...columns, "ratio", "target"];
      const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
      for (const row of sectionRows) {
        const r = ratio(row);
        const ratioText = r === undefined ? "" : `${r.toFixed(2)}× (${row.ratioOf?.join(" ÷ ")})`;
        const targetText = row.target ? `${row.target.met(row) ? "✅" : "❌"} ${row.target.text}` : "";
        const cells = columns.map((column) => format(row.values[column], row.unit));
        lines.push(`| ${[row.name, ...cells, ratioText, targetText].join(" | ")} |`);
      }
      return `### ${section}\n\n${lines.join("\n")}`;
    })
    .join("\n\n");
}
