/**
 * How long the query engine takes over one partition of 10,000 items, by kind of query: a
 * streaming filter read whole and in pages of 100, ORDER BY, GROUP BY, an aggregate, a JOIN, LIKE
 * and RegexMatch. Run: npx tsx bench/query-engine.ts
 */
import { runQuery } from "../src/emulator/query/sql-query";

const ITEMS = 10_000;
const ROUNDS = 5;

const items = Array.from({ length: ITEMS }, (_, index) => ({
  id: `item-${index}`,
  _rid: `rid-${index}`,
  categoryId: `category-${index % 20}`,
  name: `Product ${index}`,
  price: (index * 37) % 500,
  tags: ["a", "b", "c"].slice(0, (index % 3) + 1),
}));

const queries: [string, string][] = [
  ["filter", "SELECT * FROM c WHERE c.price > 250"],
  ["ORDER BY", "SELECT c.id FROM c ORDER BY c.price DESC"],
  ["GROUP BY", "SELECT c.categoryId, COUNT(1) AS n, AVG(c.price) AS p FROM c GROUP BY c.categoryId"],
  ["aggregate", "SELECT VALUE SUM(c.price) FROM c"],
  ["JOIN", "SELECT VALUE t FROM c JOIN t IN c.tags WHERE t = 'b'"],
  ["LIKE", "SELECT VALUE c.id FROM c WHERE c.name LIKE '%99%'"],
  ["RegexMatch", "SELECT VALUE c.id FROM c WHERE RegexMatch(c.name, '9+$')"],
];

/** Milliseconds to read every page of the query, best of ROUNDS. */
function timeAllPages(query: string, pageSize: number | undefined): { ms: number; pages: number; rows: number } {
  let best = Number.POSITIVE_INFINITY;
  let pages = 0;
  let rows = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    let continuation: string | undefined;
    pages = 0;
    rows = 0;
    do {
      const page = runQuery(items, { query }, pageSize, continuation);
      continuation = page.continuation;
      pages++;
      rows += page.results.length;
    } while (continuation !== undefined);
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best, pages, rows };
}

const table = queries.flatMap(([name, query]) =>
  [undefined, 100].map((pageSize) => {
    const { ms, pages, rows } = timeAllPages(query, pageSize);
    return { query: name, "page size": pageSize ?? "all", pages, rows, "ms (best of 5)": Number(ms.toFixed(1)) };
  }),
);
console.log(`Query engine over ${ITEMS.toLocaleString("en")} items in one partition`);
console.table(table);
