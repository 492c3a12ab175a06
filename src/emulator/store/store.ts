/**
 * The storage engine: account -> databases -> containers -> logical partitions -> items.
 *
 * Logical partitions are Maps keyed by the canonical JSON of the partition key value, and items are
 * Maps keyed by id, so point operations never scan. Stored objects are never mutated in place:
 * every write replaces the item object, which lets a batch stage its work on a shallow copy of one
 * partition and publish only the items it touched.
 *
 * Every change is a `Mutation`; `Store.commit` hands a list of them to the journal (persistence)
 * first and applies them to memory only once the journal has them, and replaying the journal on
 * start goes through the same `apply`, so what is on disk and what is served cannot drift apart.
 */
import { CosmosError, notFound } from "../cosmos-error";
import { isExpired } from "./expiry";
import type { PartitionKeyDefinition } from "./partition-key";
import { initialRanges, type PartitionKeyRanges } from "./partition-key-ranges";
import type { StoredContainer, StoredDatabase, StoredItem, StoredOffer } from "./stored-resources";

export type Mutation =
  | { type: "putDatabase"; database: StoredDatabase }
  | { type: "deleteDatabase"; id: string }
  | { type: "putContainer"; databaseId: string; container: StoredContainer }
  | { type: "deleteContainer"; databaseId: string; id: string }
  | { type: "putOffer"; offer: StoredOffer }
  | { type: "deleteOffer"; id: string }
  | { type: "putPartitionKeyRanges"; databaseId: string; containerId: string; ranges: PartitionKeyRanges }
  | {
      type: "writePartition";
      databaseId: string;
      containerId: string;
      partitionKey: string;
      put: StoredItem[];
      delete: string[];
    };

/** Where committed mutations go before they become visible (a log on disk, or nothing). */
export interface Journal {
  append(mutations: Mutation[]): Promise<void>;
}

export type Partition = Map<string, StoredItem>;

/** What item operations need from a logical partition (the live Map or a staged overlay). */
export interface PartitionView {
  get(id: string): StoredItem | undefined;
  set(id: string, item: StoredItem): void;
  delete(id: string): void;
  /** Every item of the partition (unique key checks need them). */
  values(): Iterable<StoredItem>;
}

export class Container {
  readonly partitions = new Map<string, Partition>();
  /** Log sequence number of the container, reported in session tokens. */
  lsn = 0;
  /** Its physical partitions (see partition-key-ranges.ts): one until its throughput asks for more. */
  partitionKeyRanges: PartitionKeyRanges;

  constructor(
    public resource: StoredContainer,
    readonly databaseId: string,
  ) {
    this.partitionKeyRanges = initialRanges(1, resource.partitionKey);
  }

  get id(): string {
    return this.resource.id;
  }
  get rid(): string {
    return this.resource._rid;
  }
  get definition(): PartitionKeyDefinition {
    return this.resource.partitionKey;
  }

  /** Every item that has not expired (see expiry.ts). */
  *allItems(): Iterable<StoredItem> {
    for (const partition of this.partitions.values()) yield* this.liveItems(partition);
  }

  *liveItems(partition: Partition | undefined): Iterable<StoredItem> {
    for (const item of partition?.values() ?? []) if (!isExpired(item, this.resource)) yield item;
  }

  itemCount(): number {
    let count = 0;
    for (const partition of this.partitions.values()) count += partition.size;
    return count;
  }
}

export class Database {
  readonly containers = new Map<string, Container>();
  constructor(public resource: StoredDatabase) {}
  get rid(): string {
    return this.resource._rid;
  }
}

export class Store {
  readonly databases = new Map<string, Database>();
  readonly offers = new Map<string, StoredOffer>();

  constructor(private readonly journal: Journal) {}

  database(id: string): Database {
    const database = this.databases.get(id);
    if (!database) throw notFound("Database");
    return database;
  }

  container(databaseId: string, containerId: string): Container {
    const container = this.database(databaseId).containers.get(containerId);
    if (!container) throw notFound("Container");
    return container;
  }

  /** The offer (throughput) attached to a database or container, found by its `_self` link. */
  offerFor(resourceSelf: string): StoredOffer | undefined {
    for (const offer of this.offers.values()) if (offer.resource === resourceSelf) return offer;
    return undefined;
  }

  /** Persists the mutations as one journal record, then makes them visible. */
  async commit(mutations: Mutation[]): Promise<void> {
    if (mutations.length === 0) return;
    await this.journal.append(mutations);
    for (const mutation of mutations) this.apply(mutation);
  }

  /** Applies one mutation to memory; also used to replay the journal. */
  apply(mutation: Mutation): void {
    switch (mutation.type) {
      case "putDatabase": {
        const id = mutation.database.id;
        const existing = this.databases.get(id);
        if (existing) existing.resource = mutation.database;
        else this.databases.set(id, new Database(mutation.database));
        return;
      }
      case "deleteDatabase":
        this.databases.delete(mutation.id);
        return;
      case "putContainer": {
        const database = this.databases.get(mutation.databaseId);
        if (!database) throw new CosmosError(500, `Journal names an unknown database '${mutation.databaseId}'.`);
        const id = mutation.container.id;
        const existing = database.containers.get(id);
        if (existing) existing.resource = mutation.container;
        else database.containers.set(id, new Container(mutation.container, mutation.databaseId));
        return;
      }
      case "deleteContainer":
        this.databases.get(mutation.databaseId)?.containers.delete(mutation.id);
        return;
      case "putOffer":
        this.offers.set(mutation.offer.id, mutation.offer);
        return;
      case "deleteOffer":
        this.offers.delete(mutation.id);
        return;
      case "putPartitionKeyRanges": {
        const container = this.databases.get(mutation.databaseId)?.containers.get(mutation.containerId);
        if (container) container.partitionKeyRanges = mutation.ranges;
        return;
      }
      case "writePartition": {
        const container = this.databases.get(mutation.databaseId)?.containers.get(mutation.containerId);
        if (!container) return; // the container was deleted after this write was logged
        // In place: apply runs synchronously, and batches stage on their own copy.
        const partition = container.partitions.get(mutation.partitionKey) ?? new Map<string, StoredItem>();
        for (const item of mutation.put) partition.set(item.id, item);
        for (const id of mutation.delete) partition.delete(id);
        if (partition.size === 0) container.partitions.delete(mutation.partitionKey);
        else container.partitions.set(mutation.partitionKey, partition);
        container.lsn += 1;
        return;
      }
    }
  }
}
