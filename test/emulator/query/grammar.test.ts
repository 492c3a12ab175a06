/**
 * The emulator's parser and lexer skip Chevrotain's grammar checks to start faster; these tests run
 * them, so an ambiguous rule, left recursion or a bad token pattern still fails the suite. And the
 * single-file bundle they load is the release the package's own entry is.
 */
import { describe, expect, it } from "vitest";
import { createSqlLexer } from "../../../src/emulator/query/lexer";
import { parseQuery, SqlParser } from "../../../src/emulator/query/parser";
import * as bundled from "../../../src/emulator/query/chevrotain";

describe("the SQL grammar", () => {
  it("passes Chevrotain's own grammar validations", () => {
    expect(() => new SqlParser({ validateGrammar: true })).not.toThrow();
  });

  it("has tokens that pass Chevrotain's lexer validations", () => {
    expect(createSqlLexer({ validateTokens: true }).lexerDefinitionErrors).toEqual([]);
  });

  it("parses with the unvalidated parser exactly as with the validated one", () => {
    const text =
      "SELECT DISTINCT TOP 3 VALUE c.name FROM c JOIN t IN c.tags WHERE c.price BETWEEN 1 AND 9 ORDER BY c.name";
    const validated = new SqlParser({ validateGrammar: true });
    validated.input = createSqlLexer({ validateTokens: true }).tokenize(text).tokens;
    expect(validated.query()).toEqual(parseQuery(text));
  });

  it("comes from the bundle of the same Chevrotain release as the package's entry", () => {
    const { VERSION } = require("chevrotain") as { VERSION: string };
    const bundle = require(require.resolve("chevrotain").replace(/src[\\/]api\.js$/, "chevrotain.min.js")) as {
      VERSION: string;
      Lexer: unknown;
    };
    expect(bundle.VERSION).toBe(VERSION);
    expect(bundled.Lexer).toBe(bundle.Lexer);
  });
});
