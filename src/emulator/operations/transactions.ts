/**
 * Transactions on one logical partition: stage, persist, publish.
 *
 * Every item write (single, batch, bulk) runs through `withStagedPartition`: under the partition's
 * lock it stages the work on a copy-on-write view, appends the resulting changes to the journal as
 * ONE record, and only then publishes them. Readers see either all of a batch or none of it, and
 * a batch that fails leaves nothing behind, in memory or on disk.
 */
import { partitionLockKey, type KeyedLock } from "./locks";
import type { StoredItem } from "../store/stored-resources";
import type { Container, Partition, PartitionView, Store } from "../store/store";

export interface PartitionScope {
  store: Store;
  locks: KeyedLock;
  databaseId: string;
  container: Container;
}

/**
 * A copy-on-write view of one logical partition: reads fall through to the live items, writes stay
 * in the overlay until published. Staging costs what the batch touches, not the partition's size.
 */
export class StagedPartition implements PartitionView {
  private readonly changes = new Map<string, StoredItem | undefined>();
  constructor(private readonly live: Partition | undefined) {}

  get(id: string): StoredItem | undefined {
    return this.changes.has(id) ? this.changes.get(id) : this.live?.get(id);
  }
  set(id: string, item: StoredItem): void {
    this.changes.set(id, item);
  }
  delete(id: string): void {
    this.changes.set(id, undefined);
  }
  *values(): Iterable<StoredItem> {
    for (const [id, item] of this.live ?? []) if (!this.changes.has(id)) yield item;
    for (const item of this.changes.values()) if (item !== undefined) yield item;
  }

  /** The items to store and the ids to remove, to publish the staged state. */
  delta(): { put: StoredItem[]; delete: string[] } {
    const put: StoredItem[] = [];
    const deleted: string[] = [];
    for (const [id, item] of this.changes) {
      if (item !== undefined) put.push(item);
      else if (this.live?.has(id)) deleted.push(id);
    }
    return { put, delete: deleted };
  }
}

/** Runs `work` on a staged copy of one logical partition, then persists and publishes what it changed. */
export async function withStagedPartition<T>(
  scope: PartitionScope,
  key: string,
  work: (staged: StagedPartition) => { value: T; commit: boolean },
): Promise<T> {
  return scope.locks.run(partitionLockKey(scope.databaseId, scope.container.id, key), async () => {
    const staged = new StagedPartition(scope.container.partitions.get(key));
    const { value, commit } = work(staged);
    if (commit) {
      const delta = staged.delta();
      if (delta.put.length > 0 || delta.delete.length > 0) {
        await scope.store.commit([
          {
            type: "writePartition",
            databaseId: scope.databaseId,
            containerId: scope.container.id,
            partitionKey: key,
            ...delta,
          },
        ]);
      }
    }
    return value;
  });
}
