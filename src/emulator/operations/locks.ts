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
