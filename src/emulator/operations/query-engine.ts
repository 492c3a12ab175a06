/**
 * The SQL engine, loaded on first use: its parser toolkit and function library take longer to load
 * than the rest of the emulator together, while most requests (point operations, batches without
 * patch conditions) never need it.
 */
type QueryEngine = typeof import("../query/sql-query");

let engine: QueryEngine | undefined;

export async function loadQueryEngine(): Promise<QueryEngine> {
  engine ??= await import("../query/sql-query.js");
  return engine;
}

/** The engine, for code that cannot wait (inside a batch); the request's handler loaded it first. */
export function loadedQueryEngine(): QueryEngine {
  if (engine === undefined) throw new Error("The query engine is used before loadQueryEngine() finished.");
  return engine;
}
