/**
 * A scan of saved notebooks for keys, signatures and tokens. Notebooks are committed with their
 * outputs, so a cell that prints a connection string or a header would publish it. Findings name
 * the notebook, the cell and the kind of secret, never the secret itself.
 */
import { cellTags, type Notebook } from "../../../src/tools/notebook/nbformat";

export interface SecretPattern {
  name: string;
  pattern: RegExp;
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // Cosmos DB account keys are 64 random bytes: 88 base64 characters ending in "==". This catches
  // the emulator's well-known key and any real account key alike.
  {
    name: "Cosmos DB account key (88 base64 characters)",
    pattern: /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])/,
  },
  { name: "connection string with AccountKey=", pattern: /AccountKey=/i },
  { name: "master-key authorization (type=master)", pattern: /type(?:=|%3D)master/i },
  { name: "SAS signature (sig=)", pattern: /\bsig(?:=|%3D)/i },
  { name: "JSON Web Token (eyJ...)", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
];

export interface SecretFinding {
  /** "cell <id> source", "cell <id> outputs", "cell <id> metadata" or "notebook metadata". */
  where: string;
  kind: string;
}

/** Every kind of secret found in any text of the notebook, by where it was found. */
export function findSecrets(notebook: Notebook): SecretFinding[] {
  const places: Array<{ where: string; text: string }> = [
    { where: "notebook metadata", text: JSON.stringify(notebook.metadata) },
  ];
  for (const cell of notebook.cells) {
    places.push({ where: `cell ${cell.id} source`, text: cell.source });
    places.push({
      where: `cell ${cell.id} metadata`,
      text: JSON.stringify({ ...cell.metadata, tags: cellTags(cell) }),
    });
    if (cell.cell_type === "code")
      places.push({ where: `cell ${cell.id} outputs`, text: JSON.stringify(cell.outputs) });
    else if (cell.attachments)
      places.push({ where: `cell ${cell.id} attachments`, text: JSON.stringify(cell.attachments) });
  }
  return places.flatMap(({ where, text }) => findSecretsInText(text).map((kind) => ({ where, kind })));
}

/** The names of the secret patterns that match the text. */
export function findSecretsInText(text: string): string[] {
  return SECRET_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ name }) => name);
}
