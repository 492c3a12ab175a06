import { describe, expect, it } from "vitest";
import { parseNotebook, type Notebook } from "../../../src/tools/notebook/nbformat";
import { SECRET_PATTERNS, findSecrets, findSecretsInText } from "./secrets";

// Microsoft's published emulator key: public, but it must not appear in a saved notebook either.
const EMULATOR_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

function notebookPrinting(output: string, source = "console.log(value);"): Notebook {
  return parseNotebook(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: "code",
          id: "prints",
          metadata: {},
          execution_count: 1,
          source,
          outputs: [{ output_type: "stream", name: "stdout", text: output }],
        },
      ],
    }),
  );
}

describe("the secret scan", () => {
  it.each([
    ["the emulator's well-known key", `key: ${EMULATOR_KEY}`],
    ["a connection string", "AccountEndpoint=https://x.documents.azure.com:443/;AccountKey=abc;"],
    ["a master-key authorization header", "authorization: type=master&ver=1.0&sig=abc"],
    ["an URL-encoded authorization header", "type%3Dmaster%26ver%3D1.0%26sig%3Dabc"],
    ["a SAS signature", "https://x.blob.core.windows.net/c?sv=2022-11-02&sig=AbC%2Bd"],
    ["a JWT", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl"],
  ])("catches %s in a cell's output and names the cell", (_, printed) => {
    const findings = findSecrets(notebookPrinting(printed));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((finding) => finding.where === "cell prints outputs")).toBe(true);
  });

  it("catches a key written in a cell's source", () => {
    expect(findSecrets(notebookPrinting("", `const key = "${EMULATOR_KEY}";`))).toEqual([
      { where: "cell prints source", kind: SECRET_PATTERNS[0]?.name },
    ]);
  });

  it("never repeats the secret in what it reports", () => {
    const reported = JSON.stringify(findSecrets(notebookPrinting(`AccountKey=${EMULATOR_KEY}`)));
    expect(reported).not.toContain(EMULATOR_KEY);
  });

  it("lets ordinary lab output through", () => {
    const labOutput = [
      "Connected to the embedded emulator at https://127.0.0.1:50123/",
      '{ id: "0120", _rid: "q8Z0AKa1b2cBAAAAAAAAAA==", _etag: "\\"0000d90c-0000-0700-0000-65f1a2b30000\\"" }',
      "config=embedded signature of the batch: 201, 201",
      "x-ms-session-token: 0:-1#12",
    ].join("\n");
    expect(findSecretsInText(labOutput)).toEqual([]);
  });
});
