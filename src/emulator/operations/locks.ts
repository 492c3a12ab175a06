/**
 * The emulator's locks, in two families over one keyed mutex:
 * - the metadata lock: databases and containers change under one lock, so "exists?" and "create"
 *   cannot race;
 * - partition locks, one per logical partition (see transactions.ts).
 * A partition lock's key holds two NULs and the metadata lock's only one, so the families never meet.
 */

/**
 * A keyed async mutex. Every write to a logical partition (single item writes, batches, bulk
 * operations) runs inside the partition's lock, so a batch stages, persists and publishes without
 * another write to that partition slipping in between; partitions do not wait for each other.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T> | T): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // Forget the key once nobody queues behind us, so the map does not grow with every partition.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

const METADATA_LOCK = "\u0000metadata";

/** Runs `work` while no other database or container change runs. */
export const withMetadataLock = <T>(owner: { locks: KeyedLock }, work: () => Promise<T>): Promise<T> =>
  owner.locks.run(METADATA_LOCK, work);

/** The lock of one logical partition (its key is the canonical JSON of the partition key value). */
export const partitionLockKey = (databaseId: string, containerId: string, partitionKey: string): string =>
  `${databaseId}\u0000${containerId}\u0000${partitionKey}`;
