/**
 * Cosmos SQL text -> `Query`. A Chevrotain parser with embedded actions: each rule returns its
 * piece of the syntax tree. Operator precedence, loosest first: `? :`, OR, AND, NOT,
 * BETWEEN / IN / LIKE, `??`, `||`, `|`, `^`, `&`, equality, relational, shifts, `+ -`, `* / %`,
 * unary `- + ~`, then member access.
 */
import { EmbeddedActionsParser, type IToken, type TokenType } from "./chevrotain";
import type { BinaryOperator, Collection, Expression, Path, Query, Selection, SortKey } from "./ast";
import * as t from "./lexer";

import { QueryError } from "./query-errors";

export class QuerySyntaxError extends QueryError {}

/**
 * The grammar's own checks (ambiguities, left recursion) take most of the parser's start-up time, so
 * the emulator's parser skips them; `grammar.test.ts` builds one with them on, which proves the grammar.
 */
export class SqlParser extends EmbeddedActionsParser {
  constructor({ validateGrammar = false } = {}) {
    super(t.ALL_TOKENS, { maxLookahead: 3, skipValidations: !validateGrammar });
    this.performSelfAnalysis();
  }

  public query = this.RULE("query", (): Query => {
    this.CONSUME(t.Select);
    const distinct = this.OPTION(() => this.CONSUME(t.Distinct)) !== undefined;
    const top = this.OPTION1(() => {
      this.CONSUME(t.Top);
      return this.SUBRULE(this.countValue);
    });
    const selection = this.SUBRULE(this.selection);
    const from = this.OPTION2(() => this.SUBRULE(this.fromClause)) ?? [];
    const where = this.OPTION3(() => {
      this.CONSUME(t.Where);
      return this.SUBRULE(this.expression);
    });
    const groupBy = this.OPTION4(() => {
      this.CONSUME(t.Group);
      this.CONSUME(t.By);
      return this.SUBRULE(this.expressionList);
    });
    const orderBy = this.OPTION5(() => this.SUBRULE(this.orderByClause));
    const paging = this.OPTION6(() => {
      this.CONSUME(t.Offset);
      const offset = this.SUBRULE1(this.countValue);
      this.CONSUME(t.Limit);
      return { offset, limit: this.SUBRULE2(this.countValue) };
    });
    return {
      distinct,
      ...(top === undefined ? {} : { top }),
      selection,
      from,
      ...(where === undefined ? {} : { where }),
      ...(groupBy === undefined ? {} : { groupBy }),
      ...(orderBy === undefined ? {} : { orderBy }),
      ...(paging ?? {}),
    };
  });

  private countValue = this.RULE(
    "countValue",
    (): Expression =>
      this.OR([
        { ALT: () => ({ kind: "literal", value: Number(this.CONSUME(t.NumberLiteral).image) }) },
        { ALT: () => ({ kind: "parameter", name: this.CONSUME(t.Parameter).image }) },
      ]),
  );

  private selection = this.RULE(
    "selection",
    (): Selection =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(t.Star);
            return { kind: "star" } as Selection;
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Value);
            return { kind: "value", expression: this.SUBRULE(this.expression) } as Selection;
          },
        },
        {
          ALT: () => {
            const items: { expression: Expression; alias?: string }[] = [];
            this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => items.push(this.SUBRULE(this.selectItem)) });
            return { kind: "list", items } as Selection;
          },
        },
      ]),
  );

  private selectItem = this.RULE("selectItem", () => {
    const expression = this.SUBRULE(this.expression);
    const alias = this.OPTION(() => this.SUBRULE(this.alias));
    return alias === undefined ? { expression } : { expression, alias };
  });

  private alias = this.RULE("alias", (): string => {
    this.OPTION(() => this.CONSUME(t.As));
    return this.CONSUME(t.Identifier).image;
  });

  private fromClause = this.RULE("fromClause", (): Collection[] => {
    this.CONSUME(t.From);
    const collections = [this.SUBRULE(this.collection)];
    this.MANY(() => {
      this.CONSUME(t.Join);
      collections.push(this.SUBRULE1(this.collection));
    });
    return collections;
  });

  private collection = this.RULE(
    "collection",
    (): Collection =>
      this.OR([
        {
          // `alias IN source`: one row per element of the source.
          GATE: () => this.LA(2).tokenType === t.In,
          ALT: () => {
            const alias = this.CONSUME(t.Identifier).image;
            this.CONSUME(t.In);
            return { ...this.SUBRULE(this.collectionSource), alias, iterate: true } as Collection;
          },
        },
        {
          ALT: () => {
            const source = this.SUBRULE1(this.collectionSource);
            const alias = this.OPTION(() => this.SUBRULE(this.alias));
            return { ...source, alias: alias ?? source.defaultAlias, iterate: false } as Collection;
          },
        },
      ]),
  );

  private collectionSource = this.RULE("collectionSource", () =>
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME(t.RParen);
          return { kind: "subquery" as const, query, defaultAlias: "" };
        },
      },
      {
        ALT: () => {
          const path = this.SUBRULE(this.path);
          // Actions that read a subrule's result wait for real input (not Chevrotain's recording pass).
          const defaultAlias = this.ACTION(() => {
            const last = path.steps.at(-1);
            return typeof last === "string" ? last : path.root;
          });
          return { kind: "path" as const, path, defaultAlias };
        },
      },
    ]),
  );

  private path = this.RULE("path", (): Path => {
    const root = this.CONSUME(t.Identifier).image;
    const steps: (string | number)[] = [];
    this.MANY(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(t.Dot);
            steps.push(this.CONSUME(t.Name).image);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.LBracket);
            this.OR1([
              { ALT: () => steps.push(unquote(this.CONSUME(t.StringLiteral).image)) },
              { ALT: () => steps.push(Number(this.CONSUME(t.NumberLiteral).image)) },
            ]);
            this.CONSUME(t.RBracket);
          },
        },
      ]),
    );
    return { root, steps };
  });

  private orderByClause = this.RULE("orderByClause", (): SortKey[] => {
    this.CONSUME(t.OrderKeyword);
    this.CONSUME(t.By);
    const keys: SortKey[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: t.Comma,
      DEF: () => {
        const expression = this.SUBRULE(this.expression);
        const direction = this.OPTION(() =>
          this.OR([{ ALT: () => this.CONSUME(t.Asc) }, { ALT: () => this.CONSUME(t.Desc) }]),
        );
        keys.push({ expression, descending: direction?.tokenType === t.Desc });
      },
    });
    return keys;
  });

  private expressionList = this.RULE("expressionList", (): Expression[] => {
    const list: Expression[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => list.push(this.SUBRULE(this.expression)) });
    return list;
  });

  public expression = this.RULE("expression", (): Expression => {
    const test = this.SUBRULE(this.orExpression);
    const branches = this.OPTION(() => {
      this.CONSUME(t.Question);
      const whenTrue = this.SUBRULE(this.expression);
      this.CONSUME(t.Colon);
      return { whenTrue, whenFalse: this.SUBRULE1(this.expression) };
    });
    return branches === undefined ? test : { kind: "conditional", test, ...branches };
  });

  private orExpression = this.RULE("orExpression", (): Expression => {
    let left = this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(t.Or);
      left = { kind: "binary", operator: "OR", left, right: this.SUBRULE1(this.andExpression) };
    });
    return left;
  });

  private andExpression = this.RULE("andExpression", (): Expression => {
    let left = this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(t.And);
      left = { kind: "binary", operator: "AND", left, right: this.SUBRULE1(this.notExpression) };
    });
    return left;
  });

  private notExpression = this.RULE(
    "notExpression",
    (): Expression =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(t.Not);
            return { kind: "unary", operator: "NOT", operand: this.SUBRULE(this.notExpression) } as Expression;
          },
        },
        { ALT: () => this.SUBRULE(this.predicate) },
      ]),
  );

  /** BETWEEN, IN and LIKE, each optionally negated. */
  private predicate = this.RULE("predicate", (): Expression => {
    const value = this.SUBRULE(this.coalesceExpression);
    const test = this.OPTION(() => {
      const negated = this.OPTION1(() => this.CONSUME(t.Not)) !== undefined;
      return this.OR([
        {
          ALT: (): Expression => {
            this.CONSUME(t.Between);
            const low = this.SUBRULE1(this.coalesceExpression);
            this.CONSUME(t.And);
            return { kind: "between", value, low, high: this.SUBRULE2(this.coalesceExpression), negated };
          },
        },
        {
          ALT: (): Expression => {
            this.CONSUME(t.In);
            this.CONSUME(t.LParen);
            const list = this.SUBRULE(this.expressionList);
            this.CONSUME(t.RParen);
            return { kind: "in", value, list, negated };
          },
        },
        {
          ALT: (): Expression => {
            this.CONSUME(t.Like);
            const pattern = this.SUBRULE3(this.coalesceExpression);
            const escapeCharacter = this.OPTION2(() => {
              this.CONSUME(t.Escape);
              return this.SUBRULE4(this.coalesceExpression);
            });
            return {
              kind: "like",
              value,
              pattern,
              negated,
              ...(escapeCharacter === undefined ? {} : { escape: escapeCharacter }),
            };
          },
        },
      ]);
    });
    return test ?? value;
  });

  private coalesceExpression = this.binaryLevel(
    "coalesceExpression",
    [[t.Coalesce, "??"]],
    () => this.concatExpression,
  );
  private concatExpression = this.binaryLevel("concatExpression", [[t.Concat, "||"]], () => this.bitOrExpression);
  private bitOrExpression = this.binaryLevel("bitOrExpression", [[t.BitOr, "|"]], () => this.bitXorExpression);
  private bitXorExpression = this.binaryLevel("bitXorExpression", [[t.BitXor, "^"]], () => this.bitAndExpression);
  private bitAndExpression = this.binaryLevel("bitAndExpression", [[t.BitAnd, "&"]], () => this.equalityExpression);
  private equalityExpression = this.binaryLevel(
    "equalityExpression",
    [
      [t.Equal, "="],
      [t.NotEqual, "!="],
    ],
    () => this.relationalExpression,
  );
  private relationalExpression = this.binaryLevel(
    "relationalExpression",
    [
      [t.Less, "<"],
      [t.LessOrEqual, "<="],
      [t.Greater, ">"],
      [t.GreaterOrEqual, ">="],
    ],
    () => this.shiftExpression,
  );
  private shiftExpression = this.binaryLevel(
    "shiftExpression",
    [
      [t.LeftShift, "<<"],
      [t.RightShift, ">>"],
      [t.ZeroFillRightShift, ">>>"],
    ],
    () => this.additiveExpression,
  );
  private additiveExpression = this.binaryLevel(
    "additiveExpression",
    [
      [t.Plus, "+"],
      [t.Minus, "-"],
    ],
    () => this.multiplicativeExpression,
  );
  private multiplicativeExpression = this.binaryLevel(
    "multiplicativeExpression",
    [
      [t.Star, "*"],
      [t.Slash, "/"],
      [t.Percent, "%"],
    ],
    () => this.unaryExpression,
  );

  /** One left-associative level of binary operators over the next tighter level. */
  private binaryLevel(name: string, operators: [TokenType, BinaryOperator][], next: () => () => Expression) {
    return this.RULE(name, (): Expression => {
      let left = this.SUBRULE(next());
      this.MANY(() => {
        const operator = this.OR(
          operators.map(([token, symbol]) => ({
            ALT: () => {
              this.CONSUME(token);
              return symbol;
            },
          })),
        );
        left = { kind: "binary", operator, left, right: this.SUBRULE1(next()) };
      });
      return left;
    });
  }

  private unaryExpression = this.RULE(
    "unaryExpression",
    (): Expression =>
      this.OR([
        {
          ALT: () => {
            const token = this.OR1([
              { ALT: () => this.CONSUME(t.Minus) },
              { ALT: () => this.CONSUME(t.Plus) },
              { ALT: () => this.CONSUME(t.Tilde) },
            ]);
            const operand = this.SUBRULE(this.unaryExpression);
            return { kind: "unary", operator: token.image as "-" | "+" | "~", operand } as Expression;
          },
        },
        { ALT: () => this.SUBRULE(this.postfixExpression) },
      ]),
  );

  private postfixExpression = this.RULE("postfixExpression", (): Expression => {
    let object = this.SUBRULE(this.primary);
    this.MANY(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(t.Dot);
            object = { kind: "property", object, name: this.CONSUME(t.Name).image };
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.LBracket);
            object = { kind: "index", object, index: this.SUBRULE(this.expression) };
            this.CONSUME(t.RBracket);
          },
        },
      ]),
    );
    return object;
  });

  private primary = this.RULE(
    "primary",
    (): Expression =>
      this.OR([
        { ALT: () => ({ kind: "literal", value: unquote(this.CONSUME(t.StringLiteral).image) }) },
        { ALT: () => ({ kind: "literal", value: parseNumber(this.CONSUME(t.NumberLiteral).image) }) },
        { ALT: () => this.keywordLiteral(this.CONSUME(t.True)) },
        { ALT: () => this.keywordLiteral(this.CONSUME(t.False)) },
        { ALT: () => this.keywordLiteral(this.CONSUME(t.Null)) },
        { ALT: () => this.keywordLiteral(this.CONSUME(t.Undefined)) },
        { ALT: () => ({ kind: "parameter", name: this.CONSUME(t.Parameter).image }) },
        { ALT: () => this.SUBRULE(this.subquery) },
        {
          ALT: () => {
            this.CONSUME1(t.LParen);
            const inner = this.SUBRULE(this.expression);
            this.CONSUME1(t.RParen);
            return inner;
          },
        },
        { ALT: () => this.SUBRULE(this.arrayLiteral) },
        { ALT: () => this.SUBRULE(this.objectLiteral) },
        { ALT: () => this.SUBRULE(this.udfCall) },
        { GATE: () => this.LA(2).tokenType === t.LParen, ALT: () => this.SUBRULE(this.functionCall) },
        { ALT: () => ({ kind: "alias", name: this.CONSUME(t.Identifier).image }) },
      ]),
  );

  private keywordLiteral(token: IToken): Expression {
    const values: Record<string, Expression> = {
      TRUE: { kind: "literal", value: true },
      FALSE: { kind: "literal", value: false },
      NULL: { kind: "literal", value: null },
      UNDEFINED: { kind: "literal", value: undefined },
    };
    return values[token.image.toUpperCase()] as Expression;
  }

  private subquery = this.RULE("subquery", (): Expression => {
    const mode = this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Exists);
          return "exists" as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.ArrayKeyword);
          return "array" as const;
        },
      },
      { ALT: () => "scalar" as const },
    ]);
    this.CONSUME(t.LParen);
    const query = this.SUBRULE(this.query);
    this.CONSUME(t.RParen);
    return { kind: "subquery", mode, query };
  });

  private arrayLiteral = this.RULE("arrayLiteral", (): Expression => {
    this.CONSUME(t.LBracket);
    const items: Expression[] = [];
    this.MANY_SEP({ SEP: t.Comma, DEF: () => items.push(this.SUBRULE(this.expression)) });
    this.CONSUME(t.RBracket);
    return { kind: "array", items };
  });

  private objectLiteral = this.RULE("objectLiteral", (): Expression => {
    this.CONSUME(t.LBrace);
    const properties: { name: string; value: Expression }[] = [];
    this.MANY_SEP({
      SEP: t.Comma,
      DEF: () => {
        const name = this.OR([
          { ALT: () => unquote(this.CONSUME(t.StringLiteral).image) },
          { ALT: () => this.CONSUME(t.Name).image },
        ]);
        this.CONSUME(t.Colon);
        properties.push({ name, value: this.SUBRULE(this.expression) });
      },
    });
    this.CONSUME(t.RBrace);
    return { kind: "object", properties };
  });

  private udfCall = this.RULE("udfCall", (): Expression => {
    this.CONSUME(t.Udf);
    this.CONSUME(t.Dot);
    const name = this.CONSUME(t.Identifier).image;
    return { kind: "call", name, args: this.SUBRULE(this.callArguments), udf: true };
  });

  private functionCall = this.RULE("functionCall", (): Expression => {
    const name = this.CONSUME(t.Identifier).image;
    return { kind: "call", name: name.toUpperCase(), args: this.SUBRULE(this.callArguments), udf: false };
  });

  private callArguments = this.RULE("callArguments", (): Expression[] => {
    this.CONSUME(t.LParen);
    const args: Expression[] = [];
    this.MANY_SEP({ SEP: t.Comma, DEF: () => args.push(this.SUBRULE(this.expression)) });
    this.CONSUME(t.RParen);
    return args;
  });
}

function parseNumber(image: string): number {
  return /^0[xX]/.test(image) ? Number.parseInt(image.slice(2), 16) : Number(image);
}

const ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** A quoted string literal's value: JSON's escapes, plus `\'` in single quotes. */
function unquote(image: string): string {
  return image
    .slice(1, -1)
    .replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) =>
      escaped.length === 5 ? String.fromCharCode(Number.parseInt(escaped.slice(1), 16)) : (ESCAPES[escaped] ?? escaped),
    );
}

const parser = new SqlParser();

/** Parses a whole query; a mistake becomes the service's "Syntax error, incorrect syntax near '...'". */
export function parseQuery(text: string): Query {
  const lexed = t.sqlLexer.tokenize(text);
  const badCharacter = lexed.errors[0];
  if (badCharacter) {
    throw new QuerySyntaxError(
      `Syntax error, invalid token near '${text.substr(badCharacter.offset, badCharacter.length)}'.`,
    );
  }
  parser.input = lexed.tokens;
  const query = parser.query();
  const mistake = parser.errors[0];
  if (mistake) {
    const previous = (mistake as { previousToken?: IToken }).previousToken;
    const near = mistake.token.image || previous?.image || "";
    throw new QuerySyntaxError(
      near === "" ? "Syntax error, unexpected end of file." : `Syntax error, incorrect syntax near '${near}'.`,
    );
  }
  return query;
}
