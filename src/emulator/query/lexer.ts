/**
 * The tokens of Cosmos SQL. Keywords are case-insensitive and belong to the `Name` category as
 * well, so that `c.value` or `c.order` still reads as a property after a dot.
 */
import { createToken, Lexer, type TokenType } from "./chevrotain";

export const Name = createToken({ name: "Name", pattern: Lexer.NA });
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_$][A-Za-z0-9_$]*/, categories: [Name] });

const keyword = (word: string): TokenType =>
  createToken({
    name: word.charAt(0) + word.slice(1).toLowerCase(),
    pattern: new RegExp(`${word}(?![A-Za-z0-9_$])`, "i"),
    longer_alt: Identifier,
    categories: [Name],
  });

export const Select = keyword("SELECT");
export const Value = keyword("VALUE");
export const Distinct = keyword("DISTINCT");
export const Top = keyword("TOP");
export const From = keyword("FROM");
export const Join = keyword("JOIN");
export const In = keyword("IN");
export const As = keyword("AS");
export const Where = keyword("WHERE");
export const Group = keyword("GROUP");
export const OrderKeyword = keyword("ORDER");
export const By = keyword("BY");
export const Asc = keyword("ASC");
export const Desc = keyword("DESC");
export const Offset = keyword("OFFSET");
export const Limit = keyword("LIMIT");
export const And = keyword("AND");
export const Or = keyword("OR");
export const Not = keyword("NOT");
export const Between = keyword("BETWEEN");
export const Like = keyword("LIKE");
export const Escape = keyword("ESCAPE");
export const Exists = keyword("EXISTS");
export const ArrayKeyword = keyword("ARRAY");
export const True = keyword("TRUE");
export const False = keyword("FALSE");
export const Null = keyword("NULL");
export const Undefined = keyword("UNDEFINED");
export const Udf = keyword("UDF");

export const StringLiteral = createToken({ name: "StringLiteral", pattern: /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/ });
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/,
});
export const Parameter = createToken({ name: "Parameter", pattern: /@[A-Za-z0-9_$]+/ });

const punctuation = (name: string, pattern: RegExp): TokenType => createToken({ name, pattern });
export const Coalesce = punctuation("Coalesce", /\?\?/);
export const Question = punctuation("Question", /\?/);
export const Colon = punctuation("Colon", /:/);
export const Concat = punctuation("Concat", /\|\|/);
export const BitOr = punctuation("BitOr", /\|/);
export const BitAnd = punctuation("BitAnd", /&/);
export const BitXor = punctuation("BitXor", /\^/);
export const Tilde = punctuation("Tilde", /~/);
export const ZeroFillRightShift = punctuation("ZeroFillRightShift", />>>/);
export const RightShift = punctuation("RightShift", />>/);
export const LeftShift = punctuation("LeftShift", /<</);
export const LessOrEqual = punctuation("LessOrEqual", /<=/);
export const GreaterOrEqual = punctuation("GreaterOrEqual", />=/);
export const NotEqual = punctuation("NotEqual", /!=|<>/);
export const Equal = punctuation("Equal", /=/);
export const Less = punctuation("Less", /</);
export const Greater = punctuation("Greater", />/);
export const Plus = punctuation("Plus", /\+/);
export const Minus = punctuation("Minus", /-/);
export const Star = punctuation("Star", /\*/);
export const Slash = punctuation("Slash", /\//);
export const Percent = punctuation("Percent", /%/);
export const Dot = punctuation("Dot", /\./);
export const Comma = punctuation("Comma", /,/);
export const LParen = punctuation("LParen", /\(/);
export const RParen = punctuation("RParen", /\)/);
export const LBracket = punctuation("LBracket", /\[/);
export const RBracket = punctuation("RBracket", /]/);
export const LBrace = punctuation("LBrace", /\{/);
export const RBrace = punctuation("RBrace", /}/);

const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED });
const LineComment = createToken({ name: "LineComment", pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });

const KEYWORDS = [
  Select,
  Value,
  Distinct,
  Top,
  From,
  Join,
  In,
  As,
  Where,
  Group,
  OrderKeyword,
  By,
  Asc,
  Desc,
  Offset,
  Limit,
  And,
  Or,
  Not,
  Between,
  Like,
  Escape,
  Exists,
  ArrayKeyword,
  True,
  False,
  Null,
  Undefined,
  Udf,
];

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  LineComment,
  StringLiteral,
  NumberLiteral,
  Parameter,
  Coalesce,
  Question,
  Colon,
  Concat,
  BitOr,
  BitAnd,
  BitXor,
  Tilde,
  ZeroFillRightShift,
  RightShift,
  LeftShift,
  LessOrEqual,
  GreaterOrEqual,
  NotEqual,
  Equal,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Dot,
  Comma,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  ...KEYWORDS,
  Identifier,
  Name,
];

/** The tokens' own checks are skipped here as in the parser; `grammar.test.ts` runs them. */
export const createSqlLexer = ({ validateTokens = false } = {}): Lexer =>
  new Lexer(ALL_TOKENS, {
    ensureOptimizations: false,
    positionTracking: "onlyOffset",
    skipValidations: !validateTokens,
  });
export const sqlLexer = createSqlLexer();
