import { describe, expect, it } from "vitest";
import { collectOutput, htmlToText, outputsToText, type PendingOutputs } from "../../../src/tools/notebook/outputs";
import type { JupyterMessage } from "../../../src/tools/notebook/protocol";

function iopub(msgType: string, content: Record<string, unknown>): JupyterMessage {
  return {
    header: { msg_id: "m", session: "s", username: "u", date: "", msg_type: msgType, version: "5.3" },
    parent_header: { msg_id: "parent" },
    metadata: {},
    content,
  };
}

describe("collecting iopub outputs", () => {
  it("merges consecutive writes to one stream, as Jupyter shows them", () => {
    const pending: PendingOutputs = { outputs: [] };
    collectOutput(pending, iopub("stream", { name: "stdout", text: "a\n" }));
    collectOutput(pending, iopub("stream", { name: "stdout", text: "b\n" }));
    collectOutput(pending, iopub("stream", { name: "stderr", text: "oops\n" }));
    expect(pending.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "oops\n" },
    ]);
  });

  it("keeps a display's whole MIME bundle and applies updates by display id", () => {
    const pending: PendingOutputs = { outputs: [] };
    const transient = { display_id: "d1" };
    collectOutput(
      pending,
      iopub("display_data", { data: { "text/plain": "first", "text/html": "<b>first</b>" }, metadata: {}, transient }),
    );
    collectOutput(pending, iopub("update_display_data", { data: { "text/plain": "second" }, metadata: {}, transient }));
    expect(pending.outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "second" }, metadata: {} }]);
  });

  it("clear_output empties what the cell showed so far", () => {
    const pending: PendingOutputs = { outputs: [] };
    collectOutput(pending, iopub("stream", { name: "stdout", text: "progress 10%\n" }));
    collectOutput(pending, iopub("clear_output", { wait: false }));
    expect(pending.outputs).toEqual([]);
  });
});

describe("outputs as text", () => {
  it("prefers text/plain, falls back to HTML reduced to text, and shows errors", () => {
    const text = outputsToText([
      { output_type: "stream", name: "stdout", text: "hello\n" },
      { output_type: "display_data", data: { "text/plain": "plain wins", "text/html": "<b>html</b>" }, metadata: {} },
      { output_type: "display_data", data: { "text/html": "<p>Total: <b>3</b> &amp; done</p>" }, metadata: {} },
      { output_type: "error", ename: "TypeError", evalue: "x is undefined", traceback: [] },
    ]);
    expect(text).toBe("hello\nplain wins\nTotal: 3 & done\nTypeError: x is undefined\n");
  });

  it("lays out tables row by row with tab-separated cells and drops scripts and styles", () => {
    const html =
      "<style>td{color:red}</style><table><thead><tr><th>op</th><th>status</th></tr></thead>" +
      "<tbody><tr><td>create</td><td>201</td></tr><tr><td>read</td><td>200</td></tr></tbody></table><script>alert(1)</script>";
    expect(htmlToText(html)).toBe("op\tstatus\ncreate\t201\nread\t200");
  });

  it("decodes numeric entities and turns <br> into line breaks", () => {
    expect(htmlToText("a&#33;<br/>b&#x21;&nbsp;c")).toBe("a!\nb! c");
  });
});
