/**
 * Every REST route the emulator serves, in one table: verb, path, an optional header condition,
 * and the handler. The first matching row wins, so rows sharing a path list the more specific
 * condition first.
 */
import type { EmulatorRequest, Route } from "./http/server";
import { readAccount } from "./handlers/account";
import {
  createContainer,
  deleteAllItemsForPartitionKey,
  deleteContainer,
  listContainers,
  queryContainers,
  readContainer,
  readPartitionKeyRanges,
  replaceContainer,
} from "./handlers/containers";
import {
  createDatabase,
  deleteDatabase,
  listDatabases,
  queryDatabases,
  readDatabase,
  replaceDatabase,
} from "./handlers/databases";
import {
  bulk,
  createItem,
  removeItem,
  isAtomicBatch,
  isBulk,
  isQuery,
  isQueryPlan,
  patchItem,
  queryItems,
  queryPlan,
  readItem,
  readItems,
  replaceItem,
  transactionalBatch,
} from "./handlers/items";
import { listOffers, queryOffers, readOffer, replaceOffer } from "./handlers/offers";

/** `deleteAllItemsForPartitionKey` is signed as an operation on the container. */
const signsAsContainer = (request: EmulatorRequest) => ({
  resourceType: "colls",
  resourceLink: request.segments.slice(0, 4).join("/"),
});

/** The SDK signs an offer by its id alone, lower-cased (sdk/cosmosdb/cosmos/src/auth.ts). */
const signsAsOffer = (request: EmulatorRequest) => ({
  resourceType: "offers",
  resourceLink: (request.segments[1] ?? "").toLowerCase(),
});

const DOCS = "/dbs/:db/colls/:coll/docs";

export const routes: Route[] = [
  { method: "GET", path: "/", handler: readAccount },

  { method: "GET", path: "/dbs", handler: listDatabases },
  { method: "POST", path: "/dbs", when: isQuery, handler: queryDatabases },
  { method: "POST", path: "/dbs", handler: createDatabase, controlPlane: true },
  { method: "GET", path: "/dbs/:db", handler: readDatabase },
  { method: "PUT", path: "/dbs/:db", handler: replaceDatabase, controlPlane: true },
  { method: "DELETE", path: "/dbs/:db", handler: deleteDatabase, controlPlane: true },

  { method: "GET", path: "/dbs/:db/colls", handler: listContainers },
  { method: "POST", path: "/dbs/:db/colls", when: isQuery, handler: queryContainers },
  { method: "POST", path: "/dbs/:db/colls", handler: createContainer, controlPlane: true },
  { method: "GET", path: "/dbs/:db/colls/:coll", handler: readContainer },
  { method: "PUT", path: "/dbs/:db/colls/:coll", handler: replaceContainer, controlPlane: true },
  { method: "DELETE", path: "/dbs/:db/colls/:coll", handler: deleteContainer, controlPlane: true },
  { method: "GET", path: "/dbs/:db/colls/:coll/pkranges", handler: readPartitionKeyRanges },
  {
    method: "POST",
    path: "/dbs/:db/colls/:coll/operations/partitionkeydelete",
    handler: deleteAllItemsForPartitionKey,
    signs: signsAsContainer,
  },

  { method: "GET", path: DOCS, handler: readItems },
  { method: "POST", path: DOCS, when: isQueryPlan, handler: queryPlan },
  { method: "POST", path: DOCS, when: isQuery, handler: queryItems },
  { method: "POST", path: DOCS, when: isAtomicBatch, handler: transactionalBatch },
  { method: "POST", path: DOCS, when: isBulk, handler: bulk },
  { method: "POST", path: DOCS, handler: createItem }, // create, or upsert with x-ms-documentdb-is-upsert
  { method: "GET", path: `${DOCS}/:id`, handler: readItem },
  { method: "PUT", path: `${DOCS}/:id`, handler: replaceItem },
  { method: "PATCH", path: `${DOCS}/:id`, handler: patchItem },
  { method: "DELETE", path: `${DOCS}/:id`, handler: removeItem },

  { method: "GET", path: "/offers", handler: listOffers },
  { method: "POST", path: "/offers", when: isQuery, handler: queryOffers },
  { method: "GET", path: "/offers/:offer", handler: readOffer, signs: signsAsOffer },
  { method: "PUT", path: "/offers/:offer", handler: replaceOffer, controlPlane: true, signs: signsAsOffer },
];
