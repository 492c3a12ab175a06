/**
 * A query whose WHERE fixes every component of the partition key with `=` (`c.categoryId = 'x'`,
 * or a parameter) can only match items of that one logical partition: the service then reads only
 * that partition, and so does the emulator. Fixing the leading components of a hierarchical key
 * confines it to that prefix, which the query plan reports as an EPK range.
 */
import type { Expression, SqlValue } from "./ast";
import { compileQuery } from "./compiler";

type KeyComponent = string | number | boolean | null;

/** The logical partition the query is confined to, one value per path, or undefined when it is not. */
export function partitionOfQuery(
  text: string,
  parameters: ReadonlyMap<string, unknown>,
  keyPaths: readonly (readonly string[])[],
): KeyComponent[] | undefined {
  const prefix = partitionPrefixOfQuery(text, parameters, keyPaths);
  return prefix?.length === keyPaths.length ? prefix : undefined;
}

/**
 * The leading components of a hierarchical key the query fixes (all of them for a whole key), or
 * undefined when it fixes not even the first: the query can only match items under that prefix.
 */
export function partitionPrefixOfQuery(
  text: string,
  parameters: ReadonlyMap<string, unknown>,
  keyPaths: readonly (readonly string[])[],
): KeyComponent[] | undefined {
  let compiled: ReturnType<typeof compileQuery>;
  try {
    compiled = compileQuery(text);
  } catch {
    return undefined; // the query itself will answer with its error
  }
  const { query } = compiled;
  const [first] = query.from;
  // Only `FROM c` binds the alias to the item itself (not `FROM c.children` or `FROM x IN c.tags`).
  if (query.where === undefined || first === undefined || first.kind !== "path") return undefined;
  if (first.iterate || first.path.steps.length > 0) return undefined;
  const equalities = conjuncts(query.where)
    .map((expression) => fixedComponent(expression, first.alias, parameters))
    .filter((found): found is { path: string[]; value: KeyComponent } => found !== undefined);
  const values = keyPaths.map((path) => equalities.find((found) => sameSteps(found.path, path))?.value);
  const fixed = values.indexOf(undefined);
  const prefix = (fixed === -1 ? values : values.slice(0, fixed)) as KeyComponent[];
  return prefix.length > 0 ? prefix : undefined;
}

function conjuncts(expression: Expression): Expression[] {
  return expression.kind === "binary" && expression.operator === "AND"
    ? [...conjuncts(expression.left), ...conjuncts(expression.right)]
    : [expression];
}

/** `alias.a.b = value` (either way round) as the path and its value. */
function fixedComponent(
  expression: Expression,
  alias: string,
  parameters: ReadonlyMap<string, unknown>,
): { path: string[]; value: KeyComponent } | undefined {
  if (expression.kind !== "binary" || expression.operator !== "=") return undefined;
  for (const [side, other] of [
    [expression.left, expression.right],
    [expression.right, expression.left],
  ] as const) {
    const path = propertyPath(side, alias);
    const value = constantValue(other, parameters);
    if (path !== undefined && value !== undefined) return { path, value };
  }
  return undefined;
}

function propertyPath(expression: Expression, alias: string): string[] | undefined {
  if (expression.kind === "alias") return expression.name === alias ? [] : undefined;
  if (expression.kind === "property") {
    const parent = propertyPath(expression.object, alias);
    return parent === undefined ? undefined : [...parent, expression.name];
  }
  if (
    expression.kind === "index" &&
    expression.index.kind === "literal" &&
    typeof expression.index.value === "string"
  ) {
    const parent = propertyPath(expression.object, alias);
    return parent === undefined ? undefined : [...parent, expression.index.value];
  }
  return undefined;
}

function constantValue(expression: Expression, parameters: ReadonlyMap<string, unknown>): KeyComponent | undefined {
  const value: SqlValue | unknown =
    expression.kind === "literal"
      ? expression.value
      : expression.kind === "parameter"
        ? parameters.get(expression.name)
        : undefined;
  return value === null || ["string", "number", "boolean"].includes(typeof value) ? (value as KeyComponent) : undefined;
}

const sameSteps = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((step, i) => step === b[i]);
