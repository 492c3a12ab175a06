/** Percentiles and timing loops shared by the benchmarks. */

/** The `fraction` percentile (0.5 = median) of `samples`, by nearest rank. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (samples: readonly number[]): number => percentile(samples, 0.5);

/** Runs `operation` `count` times one after another and returns each duration in milliseconds. */
export async function timeEach(count: number, operation: (index: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let index = 0; index < count; index++) {
    const startedAt = performance.now();
    await operation(index);
    durations.push(performance.now() - startedAt);
  }
  return durations;
}

/** `callers` loops run `operation` until `durationMs` has passed; returns completed operations per second. */
export async function throughput(
  callers: number,
  durationMs: number,
  operation: (caller: number, index: number) => Promise<unknown>,
): Promise<number> {
  const startedAt = performance.now();
  const deadline = startedAt + durationMs;
  let completed = 0;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let index = 0; performance.now() < deadline; index++) {
        await operation(caller, index);
        completed++;
      }
    }),
  );
  return completed / ((performance.now() - startedAt) / 1000);
}
