/**
 * Outputs as comparable text: every cell's outputs in one canonical string, volatile values masked.
 * Two runs agree when these maps are equal; a diff of the maps names the cell that changed.
 */
import { homedir } from "node:os";
import { TAG_SKIP_EXECUTION, hasTag, type Notebook, type Output } from "../../../src/tools/notebook/nbformat";
import { projectRoot } from "../../../src/tools/project-paths";
import type { CellExecution } from "./jupyter-driver";
import { guidsIn, maskVolatile, type MaskOptions } from "./mask";

export type MaskedOutputs = Record<string, string>;

/** Masks for one notebook: this machine's folders, and the GUIDs the notebook writes as data. */
export function maskOptionsFor(notebook: Notebook): MaskOptions {
  const source = notebook.cells.map((cell) => cell.source).join("\n");
  return { machinePaths: [projectRoot(), homedir()], keep: guidsIn(source) };
}

/**
 * All outputs of a cell in one string: consecutive stream writes joined (Jupyter merges them; a
 * runner may not), every MIME representation of rich outputs, errors with their traceback.
 */
export function canonicalOutputText(outputs: readonly Output[]): string {
  const parts: string[] = [];
  let stream: { name: string; text: string } | undefined;
  const flushStream = () => {
    if (stream) parts.push(`[${stream.name}]\n${stream.text}`);
    stream = undefined;
  };
  for (const output of outputs) {
    if (output.output_type === "stream") {
      if (stream?.name !== output.name) flushStream();
      stream = { name: output.name, text: (stream?.text ?? "") + output.text };
      continue;
    }
    flushStream();
    if (output.output_type === "error")
      parts.push(`[error]\n${output.ename}: ${output.evalue}\n${output.traceback.join("\n")}`);
    else for (const mime of Object.keys(output.data).sort()) parts.push(`[${mime}]\n${mimeText(output.data[mime])}`);
  }
  flushStream();
  return parts.join("\n");
}

function mimeText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 1);
}

/** Cell id -> masked output text, for the executions of one round that actually ran. */
export function maskedByCell(executions: readonly CellExecution[], round: number, options: MaskOptions): MaskedOutputs {
  const masked: MaskedOutputs = {};
  for (const execution of executions) {
    if (execution.round !== round || execution.status === "skipped" || execution.status === "empty") continue;
    masked[execution.id] = maskVolatile(canonicalOutputText(execution.outputs), options);
  }
  return masked;
}

/** Cell id -> masked output text as committed in the file, for the code cells that are executed. */
export function committedMaskedByCell(notebook: Notebook, options: MaskOptions): MaskedOutputs {
  const masked: MaskedOutputs = {};
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code" || hasTag(cell, TAG_SKIP_EXECUTION) || !cell.source.trim()) continue;
    masked[cell.id] = maskVolatile(canonicalOutputText(cell.outputs), options);
  }
  return masked;
}

/** The notebook holds outputs from a run (any code cell has outputs or an execution count). */
export function hasCommittedOutputs(notebook: Notebook): boolean {
  return notebook.cells.some(
    (cell) => cell.cell_type === "code" && (cell.outputs.length > 0 || cell.execution_count !== null),
  );
}
