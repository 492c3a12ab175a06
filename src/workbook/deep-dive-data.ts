/**
 * The deep-dive notebook's own containers and items, kept apart from the lab's `products` so that
 * neither notebook disturbs the other:
 *
 * - `batch-deep-dive`, partitioned by `/categoryId` like the lab, holding a small bike shop;
 * - `batch-hierarchical`, with a hierarchical (MultiHash) key `/tenantId` + `/userId`, where one
 *   logical partition is one user of one tenant and a partition key value is an array.
 *
 * `resetPartition` gives a cell a clean slate: whatever an earlier run or an exercise left in the
 * partition is removed and the starting items are written again, so every cell gives the same
 * output however often it runs.
 */
import {
  PartitionKeyKind,
  type Container,
  type Database,
  type ItemDefinition,
  type PartitionKey,
  type PartitionKeyDefinition,
} from "@azure/cosmos";
import { readPartition, removeItems } from "./batch-outcomes";
import { connect, explainError, WorkbookError, type Connection } from "./client";
import { loadConfig } from "./config";
import { requireExisting } from "./lab";

export const deepDiveContainerId = "batch-deep-dive";
export const hierarchicalContainerId = "batch-hierarchical";

export const deepDivePartitionKey: PartitionKeyDefinition = { paths: ["/categoryId"] };
export const hierarchicalPartitionKey: PartitionKeyDefinition = {
  paths: ["/tenantId", "/userId"],
  kind: PartitionKeyKind.MultiHash,
  version: 2,
};

export interface DeepDiveContainers {
  database: Database;
  /** Partitioned by `/categoryId`. */
  container: Container;
  /** Partitioned by `/tenantId` then `/userId`. */
  hierarchical: Container;
}

/**
 * The configured database (the lab's `cosmicworks` by default) with the two deep-dive containers,
 * each created when missing. Safe to call again. With Entra ID they must exist beforehand, as the
 * lab's container must; the error then says so.
 */
export async function prepareDeepDiveContainers(
  connection: Pick<Connection, "client" | "config">,
): Promise<DeepDiveContainers> {
  const { client, config } = connection;
  try {
    const { database } = await client.databases.createIfNotExists({ id: config.databaseId });
    const container = await containerWithKey(database, deepDiveContainerId, deepDivePartitionKey, config.throughput);
    const hierarchical = await containerWithKey(
      database,
      hierarchicalContainerId,
      hierarchicalPartitionKey,
      config.throughput,
    );
    return { database, container, hierarchical };
  } catch (error) {
    throw explainError(error, config);
  }
}

/**
 * The two containers step 1 of the deep dive created, read from the service so that any later step
 * also runs on a fresh kernel. Creates nothing: when they are missing it says to run step 1 first.
 */
export async function openDeepDive(): Promise<DeepDiveContainers> {
  const connection = await connect(loadConfig());
  const database = connection.client.database(connection.config.databaseId);
  const container = database.container(deepDiveContainerId);
  const hierarchical = database.container(hierarchicalContainerId);
  await requireExisting(connection, container, "1");
  await requireExisting(connection, hierarchical, "1");
  return { database, container, hierarchical };
}

async function containerWithKey(
  database: Database,
  id: string,
  partitionKey: PartitionKeyDefinition,
  throughput: number,
): Promise<Container> {
  const { container, resource } = await database.containers.createIfNotExists({ id, partitionKey, throughput });
  const paths = resource?.partitionKey?.paths;
  if (paths !== undefined && paths.join(",") !== partitionKey.paths.join(",")) {
    throw new WorkbookError(
      `The container "${id}" already exists with partition key ${paths.join(", ")}, not ${partitionKey.paths.join(", ")}: delete it so this notebook can create it again.`,
    );
  }
  return container;
}

// ---------------------------------------------------------------------------------------------
// The bike shop: one logical partition of `batch-deep-dive`

/** The partition key value every bike-shop item shares. */
export const bikeParts = "bike-parts";

/** A partition of its own for the limits (100 operations, 2 MB), so the shop is never in the way. */
export const limitsPartition = "limits";

/** A type alias (not an interface) so an item is assignable to the SDK's `JSONObject`. */
export type ShopItem = {
  readonly id: string;
  readonly name: string;
  readonly categoryId: string;
  readonly quantity: number;
  readonly price: number;
};

function shopItem(id: string, name: string, quantity: number, price: number): ShopItem {
  return Object.freeze({ id, name, categoryId: bikeParts, quantity, price });
}

/** The items the partition holds at the start of every step, by name. */
export const stockedItems = Object.freeze({
  bell: shopItem("bell", "Brass Bell", 4, 12),
  lock: shopItem("lock", "D-Lock", 2, 35),
  pump: shopItem("pump", "Floor Pump", 1, 28),
  // Sold out on purpose: a patch guarded by "quantity > 0" fails on it.
  tyre: shopItem("tyre", "Road Tyre", 0, 30),
});

/** The same items as a list, in id order, for `resetPartition`. */
export const shopStock: readonly ShopItem[] = Object.freeze(Object.values(stockedItems));

/** Items that are not in stock at the start, for creates and upserts. */
export const newShopItems = Object.freeze({
  light: shopItem("light", "Front Light", 3, 19),
  saddle: shopItem("saddle", "Gel Saddle", 5, 42),
});

// ---------------------------------------------------------------------------------------------
// A tenant's users: logical partitions of `batch-hierarchical`

/** A type alias so it is assignable to `JSONObject`. */
export type Order = {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly item: string;
  readonly total: number;
};

export function order(tenantId: string, userId: string, id: string, item: string, total: number): Order {
  return Object.freeze({ id, tenantId, userId, item, total });
}

/** The full hierarchical partition key value of one user: `[tenantId, userId]`. */
export function userPartition(tenantId: string, userId: string): [string, string] {
  return [tenantId, userId];
}

/** Alice and Bob: two users of the tenant `contoso`, so two logical partitions. */
export const alice = userPartition("contoso", "alice");
export const bob = userPartition("contoso", "bob");

/** Alice's first order (in her partition from the start), her second, and one of Bob's. */
export const tenantOrders = Object.freeze({
  aliceFirst: order("contoso", "alice", "order-1", "Brass Bell", 12),
  aliceSecond: order("contoso", "alice", "order-2", "D-Lock", 35),
  bobs: order("contoso", "bob", "order-3", "Floor Pump", 28),
});

// ---------------------------------------------------------------------------------------------
// Clean slates

/**
 * Empties one logical partition and writes `items` into it (one create each, not a batch, so the
 * starting state never depends on the feature being taught). Returns the partition as stored.
 */
export async function resetPartition(
  container: Container,
  partitionKey: PartitionKey,
  items: readonly ItemDefinition[],
): Promise<ItemDefinition[]> {
  const present = await readPartition(container, partitionKey);
  await removeItems(
    container,
    partitionKey,
    present.map((item) => String(item.id)),
  );
  for (const item of items) await container.items.create({ ...item });
  return readPartition(container, partitionKey);
}

/** The `_etag` the service holds for an item now (never printed: it changes on every write). */
export async function currentETag(container: Container, id: string, partitionKey: PartitionKey): Promise<string> {
  const { resource, etag } = await container.item(id, partitionKey).read<ItemDefinition>();
  const tag = resource?._etag ?? etag;
  if (resource === undefined || tag === undefined)
    throw new Error(`Item "${id}" does not exist in partition ${JSON.stringify(partitionKey)}.`);
  return tag;
}
