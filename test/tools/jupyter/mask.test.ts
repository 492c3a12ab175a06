import { describe, expect, it } from "vitest";
import { guidsIn, maskVolatile } from "./mask";

describe("maskVolatile", () => {
  it("masks the system properties of an item printed as JSON", () => {
    const printed = JSON.stringify({
      id: "0120",
      _rid: "q8Z0AKa1b2cBAAAAAAAAAA==",
      _self: "dbs/q8Z0AA==/colls/q8Z0AKa1b2c=/docs/q8Z0AKa1b2cBAAAAAAAAAA==/",
      _etag: '"0000d90c-0000-0700-0000-65f1a2b30000"',
      _attachments: "attachments/",
      _ts: 1710334643,
    });
    expect(maskVolatile(printed)).toBe(
      '{"id":"0120","_rid":"<rid>","_self":"<self>","_etag":"\\"<etag>\\"","_attachments":"<attachments>","_ts":<ts>}',
    );
  });

  it("masks the same properties as util.inspect and HTML print them", () => {
    expect(maskVolatile(`{ id: '0120', _rid: 'abc==', _ts: 1710334643, _etag: '"12-ab"' }`)).toBe(
      `{ id: '0120', _rid: '<rid>', _ts: <ts>, _etag: '"<etag>"' }`,
    );
    expect(maskVolatile("<td>&quot;_etag&quot;: &quot;W/1a2b&quot;</td>")).toBe(
      "<td>&quot;_etag&quot;: &quot;<etag>&quot;</td>",
    );
  });

  it("masks activity ids, session tokens and request durations in headers", () => {
    const headers =
      "x-ms-activity-id: 5f3c1f0e-8a4b-4c7e-9d6a-0b1c2d3e4f50\nx-ms-session-token: 0:-1#12\nx-ms-request-duration-ms: 1.874";
    expect(maskVolatile(headers)).toBe(
      "x-ms-activity-id: <activity-id>\nx-ms-session-token: <session-token>\nx-ms-request-duration-ms: <duration>",
    );
    expect(maskVolatile("token 0:3#45#1=-1 used")).toBe("token <session-token> used");
  });

  it("masks generated GUIDs but keeps the ones the notebook wrote itself", () => {
    const keep = guidsIn('const usedAccessories = "9603CA6C-9e28-4a02-9194-51cdb7fea816";');
    const text = "category 9603ca6c-9e28-4a02-9194-51cdb7fea816, request 0b7e4c3a-1d2f-4e5a-8b6c-7d8e9f0a1b2c";
    expect(maskVolatile(text, { keep })).toBe("category 9603ca6c-9e28-4a02-9194-51cdb7fea816, request <guid>");
  });

  it("masks the emulator's random port but keeps host and path", () => {
    expect(maskVolatile("Connected to https://127.0.0.1:53187/ and http://localhost:8081/dbs")).toBe(
      "Connected to https://127.0.0.1:<port>/ and http://localhost:<port>/dbs",
    );
  });

  it("masks timings and timestamps but keeps request charges and status codes", () => {
    expect(maskVolatile("Batch 200 in 12.5 ms (took 3s), 10.29 RU at 2025-11-24T10:31:02.123Z")).toBe(
      "Batch 200 in <duration> (took <duration>), 10.29 RU at <timestamp>",
    );
    expect(maskVolatile("Date: Mon, 24 Nov 2025 10:31:02 GMT")).toBe("Date: <date>");
    expect(maskVolatile("created 2 items, 5 statuses")).toBe("created 2 items, 5 statuses");
  });

  it("masks temporary folders and the machine's own folders", () => {
    expect(maskVolatile("wrote /tmp/cosmos-emulator-Ab12/cert.pem, /var/folders/x1/T/y.json")).toBe(
      "wrote <temp-path>, <temp-path>",
    );
    expect(maskVolatile("at /home/ana/lab/dist/batch.js", { machinePaths: ["/home/ana/lab", "/home/ana"] })).toBe(
      "at <machine-path>/dist/batch.js",
    );
  });

  it("collapses stack frames, whose lines change with the Node version", () => {
    const trace =
      "Error: boom\n    at evalmachine.<anonymous>:2:7\n    at Script.runInThisContext (node:vm:135:14)\nafter";
    expect(maskVolatile(trace)).toBe("Error: boom\n    at <stack frames>\nafter");
  });

  it("leaves text without volatile values alone", () => {
    const stable = "Products left in used accessories: 0\n| 0 | Create | 201 Created |";
    expect(maskVolatile(stable)).toBe(stable);
  });
});
