/**
 * Every route of the emulator's table made concrete: a real path (a fresh database, container,
 * item and offer behind each `:name`) and the headers that select the route among those sharing
 * its path, so hostile inputs reach every handler.
 */
import type { Route } from "../../../src/emulator/http/server";
import { isAtomicBatch, isBulk, isQuery, isQueryPlan } from "../../../src/emulator/handlers/items";
import { routes } from "../../../src/emulator/routes";
import type { TestEmulator } from "../emulator-support";
import { uniqueId } from "../emulator-support";

export interface Fixture {
  db: string;
  coll: string;
  id: string;
  offer: string;
}

/** A database, a container keyed on /pk with one item `a` in partition "p", and the container's offer. */
export async function newFixture(env: TestEmulator): Promise<Fixture> {
  const { database } = await env.client.databases.create({ id: uniqueId("hostile") });
  const { container } = await database.containers.create({
    id: "c",
    partitionKey: { paths: ["/pk"] },
    throughput: 400,
  });
  await container.items.create({ id: "a", pk: "p", n: 1 });
  const offer = (await container.readOffer()).resource?.id ?? "";
  return { db: database.id, coll: "c", id: "a", offer };
}

export function concretePath(route: Route, fixture: Fixture): string {
  return route.path
    .replace(":db", encodeURIComponent(fixture.db))
    .replace(":coll", fixture.coll)
    .replace(":id", fixture.id)
    .replace(":offer", fixture.offer);
}

const BATCH = { "x-ms-cosmos-is-batch-request": "true" };

/** The headers that make the table pick `route` (and a partition key where item routes need one). */
export function selectingHeaders(route: Route): Record<string, string> {
  const partitionKey: Record<string, string> =
    route.path.includes("/docs") || route.path.endsWith("partitionkeydelete")
      ? { "x-ms-documentdb-partitionkey": '["p"]' }
      : {};
  if (route.when === isQueryPlan)
    return { ...partitionKey, "x-ms-cosmos-is-query-plan-request": "true", "content-type": "application/query+json" };
  if (route.when === isQuery)
    return { ...partitionKey, "x-ms-documentdb-isquery": "true", "content-type": "application/query+json" };
  if (route.when === isAtomicBatch) return { ...partitionKey, ...BATCH, "x-ms-cosmos-batch-atomic": "true" };
  if (route.when === isBulk) return { ...BATCH, "x-ms-cosmos-batch-atomic": "false" };
  return partitionKey;
}

export const allRoutes: Route[] = routes;

/** Routes that read a JSON body (the others ignore whatever body comes). */
export const readsBody = (route: Route): boolean =>
  ["POST", "PUT", "PATCH"].includes(route.method) &&
  !route.path.endsWith("partitionkeydelete") &&
  !(route.method === "PUT" && route.path === "/dbs/:db");

/** What the client signs for `route` when it is not derived from the path (see routes.ts). */
export function signedAs(route: Route, fixture: Fixture): { resourceType: string; resourceLink: string } | undefined {
  if (route.path.startsWith("/offers/")) return { resourceType: "offers", resourceLink: fixture.offer.toLowerCase() };
  if (route.path.endsWith("partitionkeydelete"))
    return { resourceType: "colls", resourceLink: `dbs/${fixture.db}/colls/${fixture.coll}` };
  return undefined;
}

export const routeName = (route: Route): string =>
  `${route.method} ${route.path}${route.when ? ` (${route.when.name})` : ""}`;
