/**
 * The syntax tree of one Cosmos SQL query, as the parser builds it and the evaluator walks it.
 * Scalar expressions are `Expression`; everything that yields rows (a container, a path into it,
 * a subquery) is a `Collection`.
 */

/** A JSON value, or `undefined` for a property that does not exist. */
export type SqlValue = null | boolean | number | string | SqlValue[] | { [key: string]: SqlValue } | undefined;

export type BinaryOperator =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "||"
  | "="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "&"
  | "|"
  | "^"
  | "<<"
  | ">>"
  | ">>>"
  | "AND"
  | "OR"
  | "??";

export type UnaryOperator = "-" | "+" | "~" | "NOT";

export type Expression =
  | { kind: "literal"; value: SqlValue }
  | { kind: "parameter"; name: string }
  | { kind: "alias"; name: string }
  | { kind: "property"; object: Expression; name: string }
  | { kind: "index"; object: Expression; index: Expression }
  | { kind: "unary"; operator: UnaryOperator; operand: Expression }
  | { kind: "binary"; operator: BinaryOperator; left: Expression; right: Expression }
  | { kind: "between"; value: Expression; low: Expression; high: Expression; negated: boolean }
  | { kind: "in"; value: Expression; list: Expression[]; negated: boolean }
  | { kind: "like"; value: Expression; pattern: Expression; escape?: Expression; negated: boolean }
  | { kind: "conditional"; test: Expression; whenTrue: Expression; whenFalse: Expression }
  | { kind: "call"; name: string; args: Expression[]; udf: boolean }
  | { kind: "array"; items: Expression[] }
  | { kind: "object"; properties: { name: string; value: Expression }[] }
  | { kind: "subquery"; mode: "scalar" | "exists" | "array"; query: Query };

/** A path into a container or an alias: `c`, `c.children`, `c["tags"][0]`. */
export interface Path {
  root: string;
  steps: (string | number)[];
}

/** What a FROM or JOIN clause iterates: each row binds `alias` to one value. */
export type Collection =
  | { kind: "path"; path: Path; alias: string; iterate: boolean }
  | { kind: "subquery"; query: Query; alias: string; iterate: boolean };

export type Selection =
  | { kind: "star" }
  | { kind: "value"; expression: Expression }
  | { kind: "list"; items: { expression: Expression; alias?: string }[] };

export interface SortKey {
  expression: Expression;
  descending: boolean;
}

export interface Query {
  distinct: boolean;
  top?: Expression;
  selection: Selection;
  /** The first collection is the FROM clause; the others are its JOINs. Empty without FROM. */
  from: Collection[];
  where?: Expression;
  groupBy?: Expression[];
  orderBy?: SortKey[];
  offset?: Expression;
  limit?: Expression;
}
