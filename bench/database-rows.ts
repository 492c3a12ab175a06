/**
 * The emulator against @vercel/cosmosdb-server, through the same SDK, rounds interleaved: each
 * round runs a short burst on every server in turn (the order flips every round), so a busy moment
 * of the shared machine falls on both instead of on one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Container, OperationInput } from "@azure/cosmos";
import type { BenchRow } from "./bench-table";
import { hostServer, type HostedServer } from "./server-fleet";
import { median, percentile, throughput, timeEach } from "./statistics";

export interface DatabaseBenchOptions {
  ca: string;
  key: string;
  /** Multiplies every iteration count (1 = the default run). */
  scale: number;
  log: (line: string) => void;
}

const PAYLOAD = "x".repeat(900);
/** An item of about 1 KB once the service has stamped it. */
const itemOf = (id: string, pk: string) => ({ id, pk, payload: PAYLOAD, n: 1 });

let idCounter = 0;
const uniqueId = (prefix: string): string => `${prefix}-${(idCounter++).toString(36)}`;

async function freshContainer(server: HostedServer, name: string): Promise<Container> {
  const { database } = await server.client.databases.createIfNotExists({ id: "bench" });
  const { container } = await database.containers.createIfNotExists({ id: name, partitionKey: "/pk" });
  return container;
}

function creates(count: number, pk: string): OperationInput[] {
  return Array.from({ length: count }, () => ({
    operationType: "Create" as const,
    resourceBody: itemOf(uniqueId("b"), pk),
  }));
}

async function batch(container: Container, operations: OperationInput[], pk: string): Promise<void> {
  const response = await container.items.batch(operations, pk);
  if (response.code !== 200) throw new Error(`A benchmark batch answered ${response.code}.`);
}

/** Runs `burst` on every server once per round, the order flipping each round. */
async function interleaved<T>(
  servers: HostedServer[],
  rounds: number,
  burst: (server: HostedServer, round: number) => Promise<T>,
): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(servers.map((server) => [server.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) results.get(server.name)?.push(await burst(server, round));
  }
  return results;
}

type Samples = Map<string, number[]>;
const flat = (results: Map<string, number[][]>): Samples =>
  new Map([...results].map(([name, bursts]) => [name, bursts.flat()]));
const valuesBy = (samples: Samples, pick: (values: number[]) => number): Record<string, number> =>
  Object.fromEntries([...samples].map(([name, values]) => [name, pick(values)]));

const atMostOne = (row: BenchRow): boolean => {
  const [a, b] = row.ratioOf ?? ["", ""];
  return (row.values[a] ?? Number.POSITIVE_INFINITY) <= (row.values[b] ?? 0);
};
const atLeastOne = (row: BenchRow): boolean => {
  const [a, b] = row.ratioOf ?? ["", ""];
  return (row.values[a] ?? 0) >= (row.values[b] ?? Number.POSITIVE_INFINITY);
};
const AS_FAST = { text: "≤ vercel", met: atMostOne };

function latencyRows(section: string, name: string, samples: Samples): BenchRow[] {
  return [
    {
      section,
      name: `${name} p50`,
      unit: "ms",
      values: valuesBy(samples, median),
      ratioOf: ["emulator", "vercel"],
      target: AS_FAST,
    },
    {
      section,
      name: `${name} p99`,
      unit: "ms",
      values: valuesBy(samples, (v) => percentile(v, 0.99)),
      ratioOf: ["emulator", "vercel"],
      target: AS_FAST,
    },
  ];
}

/** CPU the server spent per operation during `work` (µs). */
async function serverCpuPerOperation(server: HostedServer, operations: number, work: () => Promise<void>) {
  const before = await server.usage();
  await work();
  const after = await server.usage();
  return (after.cpuMicros - before.cpuMicros) / operations;
}

async function pointOperationRows(servers: HostedServer[], options: DatabaseBenchOptions): Promise<BenchRow[]> {
  const perBurst = Math.round(25 * options.scale);
  const kinds = ["create", "read", "upsert", "replace", "delete"] as const;
  const containers = new Map(
    await Promise.all(servers.map(async (s) => [s.name, await freshContainer(s, "points")] as const)),
  );
  const samples = new Map(kinds.map((kind) => [kind, new Map<string, number[]>()]));
  const cpu = new Map<string, number[]>();
  await interleaved(servers, 12, async (server) => {
    const container = containers.get(server.name) as Container;
    const pk = uniqueId("p");
    const ids = Array.from({ length: perBurst }, () => uniqueId("i"));
    const record = (kind: (typeof kinds)[number], durations: number[]) => {
      const byServer = samples.get(kind) as Map<string, number[]>;
      byServer.set(server.name, [...(byServer.get(server.name) ?? []), ...durations]);
    };
    let createDurations: number[] = [];
    const createCpu = await serverCpuPerOperation(server, perBurst, async () => {
      createDurations = await timeEach(perBurst, (i) => container.items.create(itemOf(ids[i] as string, pk)));
    });
    cpu.set(server.name, [...(cpu.get(server.name) ?? []), createCpu]);
    record("create", createDurations);
    record("read", await timeEach(perBurst, (i) => container.item(ids[i] as string, pk).read()));
    record(
      "upsert",
      await timeEach(perBurst, (i) => container.items.upsert({ ...itemOf(ids[i] as string, pk), n: 2 })),
    );
    record(
      "replace",
      await timeEach(perBurst, (i) =>
        container.item(ids[i] as string, pk).replace({ ...itemOf(ids[i] as string, pk), n: 3 }),
      ),
    );
    record("delete", await timeEach(perBurst, (i) => container.item(ids[i] as string, pk).delete()));
  });
  options.log(`  point operations: ${12 * perBurst} of each kind per server`);
  const section = "Point operations (1 KB items, one caller)";
  return [
    ...kinds.flatMap((kind) => latencyRows(section, kind, samples.get(kind) as Samples)),
    {
      section: "Server CPU per operation",
      name: "create",
      unit: "µs",
      values: valuesBy(cpu, median),
      ratioOf: ["emulator", "vercel"],
    },
  ];
}

async function batchRows(servers: HostedServer[], options: DatabaseBenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const containers = new Map(
    await Promise.all(servers.map(async (s) => [s.name, await freshContainer(s, "batches")] as const)),
  );
  for (const size of [1, 10, 50, 100]) {
    const perBurst = Math.max(2, Math.round((size >= 50 ? 6 : 12) * options.scale));
    const cpu = new Map<string, number[]>();
    const results = await interleaved(servers, 10, async (server) => {
      const container = containers.get(server.name) as Container;
      let durations: number[] = [];
      const perBatch = await serverCpuPerOperation(server, perBurst, async () => {
        durations = await timeEach(perBurst, () => {
          const pk = uniqueId("p");
          return batch(container, creates(size, pk), pk);
        });
      });
      cpu.set(server.name, [...(cpu.get(server.name) ?? []), perBatch]);
      return durations;
    });
    rows.push(...latencyRows("Transactional batches of creates (one caller)", `batch of ${size}`, flat(results)));
    if (size === 100) {
      rows.push({
        section: "Server CPU per operation",
        name: "batch of 100 creates",
        unit: "µs",
        values: valuesBy(cpu, median),
        ratioOf: ["emulator", "vercel"],
        target: { text: "≤ 0.6× vercel", met: (row) => (row.values.emulator ?? 0) <= 0.6 * (row.values.vercel ?? 0) },
      });
    }
  }
  options.log("  batches of 1, 10, 50 and 100 creates");
  return rows;
}

async function throughputRows(servers: HostedServer[], options: DatabaseBenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const windowMs = Math.round(700 * options.scale);
  const containers = new Map(
    await Promise.all(servers.map(async (s) => [s.name, await freshContainer(s, "throughput")] as const)),
  );
  for (const callers of [1, 8, 32]) {
    const rates = await interleaved(servers, 4, (server) => {
      const container = containers.get(server.name) as Container;
      return throughput(callers, windowMs, () => {
        const pk = uniqueId("p");
        return batch(container, creates(10, pk), pk);
      });
    });
    rows.push({
      section: "Throughput",
      name: `batches of 10, ${callers} caller${callers > 1 ? "s" : ""}`,
      unit: "per s",
      values: valuesBy(rates, median),
      ratioOf: ["emulator", "vercel"],
      target: { text: "≥ vercel", met: atLeastOne },
    });
  }
  const readIds = new Map<string, string[]>();
  for (const server of servers) {
    const container = containers.get(server.name) as Container;
    const ids = Array.from({ length: 100 }, () => uniqueId("r"));
    await batch(
      container,
      ids.map((id) => ({ operationType: "Create" as const, resourceBody: itemOf(id, "reads") })),
      "reads",
    );
    readIds.set(server.name, ids);
  }
  const reads = await interleaved(servers, 4, (server) => {
    const container = containers.get(server.name) as Container;
    const ids = readIds.get(server.name) as string[];
    return throughput(8, windowMs, (caller, index) =>
      container.item(ids[(caller * 13 + index) % 100] as string, "reads").read(),
    );
  });
  rows.push({
    section: "Throughput",
    name: "point reads, 8 callers",
    unit: "per s",
    values: valuesBy(reads, median),
    ratioOf: ["emulator", "vercel"],
    target: { text: "≥ vercel", met: atLeastOne },
  });
  options.log("  throughput with 1, 8 and 32 callers, point reads");
  return rows;
}

/** Loads `count` 1 KB items in partitions of 100, with 8 callers sending batches of 100. */
async function load(container: Container, count: number, partitionPrefix: string): Promise<void> {
  const partitions = Math.ceil(count / 100);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < partitions) {
        const pk = `${partitionPrefix}${next++}`;
        await batch(container, creates(100, pk), pk);
      }
    }),
  );
}

async function queryRows(servers: HostedServer[], options: DatabaseBenchOptions): Promise<BenchRow[]> {
  const containers = new Map<string, Container>();
  for (const server of servers) {
    const container = await freshContainer(server, "query");
    await load(container, 10_000, "q");
    containers.set(server.name, container);
  }
  const partitionQuery = await interleaved(servers, 6, (server) => {
    const container = containers.get(server.name) as Container;
    return timeEach(Math.max(1, Math.round(3 * options.scale)), (i) =>
      container.items
        .query(
          { query: "SELECT * FROM c WHERE c.pk = @pk", parameters: [{ name: "@pk", value: `q${i * 7}` }] },
          { partitionKey: `q${i * 7}` },
        )
        .fetchAll(),
    );
  });
  const count = await interleaved(servers, 6, (server) => {
    const container = containers.get(server.name) as Container;
    return timeEach(Math.max(1, Math.round(2 * options.scale)), async () => {
      const { resources } = await container.items.query<number>("SELECT VALUE COUNT(1) FROM c").fetchAll();
      if (resources[0] !== 10_000) throw new Error(`COUNT gave ${resources[0]} instead of 10000 on ${server.name}.`);
    });
  });
  options.log("  queries over 10k items");
  const section = "Queries over 10k items";
  return [
    {
      section,
      name: "one partition (100 items) p50",
      unit: "ms",
      values: valuesBy(flat(partitionQuery), median),
      ratioOf: ["emulator", "vercel"],
    },
    {
      section,
      name: "cross-partition COUNT p50",
      unit: "ms",
      values: valuesBy(flat(count), median),
      ratioOf: ["emulator", "vercel"],
    },
  ];
}

/** RSS growth per stored item, each server in a fresh process of its own. */
async function memoryRows(options: DatabaseBenchOptions, counts: number[]): Promise<BenchRow[]> {
  const perItem = new Map<number, Record<string, number>>(counts.map((count) => [count, {}]));
  for (const kind of ["emulator", "vercel"] as const) {
    const server = await hostServer(kind, kind, options.ca, options.key);
    try {
      const container = await freshContainer(server, "memory");
      const baseline = (await server.usage(true)).rssBytes;
      let loaded = 0;
      for (const count of counts) {
        await load(container, count - loaded, `m${loaded}-`);
        loaded = count;
        const record = perItem.get(count) as Record<string, number>;
        record[kind] = ((await server.usage(true)).rssBytes - baseline) / 1024 / count;
      }
    } finally {
      server.stop();
    }
  }
  options.log(`  memory with ${counts.join(" and ")} items`);
  return counts.map((count) => ({
    section: "Memory (RSS growth per stored 1 KB item)",
    name: `${count / 1000}k items`,
    unit: "KB" as const,
    values: perItem.get(count) as Record<string, number>,
    ratioOf: ["emulator", "vercel"] as [string, string],
    ...(count === 100_000
      ? { target: { text: "≤ 2 KB per item", met: (row: BenchRow) => (row.values.emulator ?? 99) <= 2 } }
      : {}),
  }));
}

async function dataPathRows(memory: HostedServer, options: DatabaseBenchOptions): Promise<BenchRow[]> {
  const dataPath = mkdtempSync(path.join(tmpdir(), "bench-data-"));
  const disk = await hostServer("emulator --data-path", "emulator", options.ca, options.key, dataPath);
  try {
    const servers = [memory, disk];
    const containers = new Map(
      await Promise.all(servers.map(async (s) => [s.name, await freshContainer(s, "durable")] as const)),
    );
    const createSamples = await interleaved(servers, 8, (server) => {
      const container = containers.get(server.name) as Container;
      const pk = uniqueId("p");
      return timeEach(Math.round(20 * options.scale), () => container.items.create(itemOf(uniqueId("d"), pk)));
    });
    const rates = await interleaved(servers, 4, (server) => {
      const container = containers.get(server.name) as Container;
      return throughput(8, Math.round(700 * options.scale), () => {
        const pk = uniqueId("p");
        return batch(container, creates(10, pk), pk);
      });
    });
    options.log("  the emulator with --data-path");
    const section = "The emulator with --data-path (journal + fsync) against in memory";
    const pair: [string, string] = ["emulator --data-path", "emulator"];
    return [
      { section, name: "create p50", unit: "ms", values: valuesBy(flat(createSamples), median), ratioOf: pair },
      {
        section,
        name: "batches of 10, 8 callers",
        unit: "per s",
        values: valuesBy(rates, median),
        ratioOf: pair,
        target: {
          text: "≥ 0.8× in memory",
          met: (row) => (row.values[pair[0]] ?? 0) >= 0.8 * (row.values[pair[1]] ?? 1),
        },
      },
    ];
  } finally {
    disk.stop();
    rmSync(dataPath, { recursive: true, force: true });
  }
}

export async function databaseRows(options: DatabaseBenchOptions): Promise<BenchRow[]> {
  const servers = [
    await hostServer("emulator", "emulator", options.ca, options.key),
    await hostServer("vercel", "vercel", options.ca, options.key),
  ];
  try {
    // Warm both up (connections, JIT) before anything is measured.
    for (const server of servers) {
      const container = await freshContainer(server, "warm-up");
      for (let i = 0; i < 50; i++) await container.items.create(itemOf(uniqueId("w"), "w"));
    }
    const rows = [
      ...(await pointOperationRows(servers, options)),
      ...(await batchRows(servers, options)),
      ...(await throughputRows(servers, options)),
      ...(await queryRows(servers, options)),
      ...(await dataPathRows(servers[0] as HostedServer, options)),
    ];
    return [...rows, ...(await memoryRows(options, [10_000, 100_000]))];
  } finally {
    for (const server of servers) server.stop();
  }
}
