/**
 * One regression test per finding of the hostile-input review, each through the real SDK or raw
 * HTTPS: prototype pollution through paths, wrongly typed fields and deep nesting (500s before),
 * bodies read before authentication and size checks, slow clients, ids measured in bytes, Entra
 * token lifetimes, a deleted container's waiting writes.
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { CosmosClient, type OperationInput } from "@azure/cosmos";
import https from "node:https";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { WELL_KNOWN_EMULATOR_KEY } from "../../../src/emulator/index";
import { createRequestListener, type EmulatorContext } from "../../../src/emulator/http/server";
import { defaultCertificateDirectory, loadOrCreateCertificate } from "../../../src/emulator/http/tls";
import { KeyedLock, partitionLockKey } from "../../../src/emulator/operations/locks";
import { routes } from "../../../src/emulator/routes";
import { memoryJournal } from "../../../src/emulator/store/persistence";
import { Store } from "../../../src/emulator/store/store";
import { freshContainer, rawRequest, startTestEmulator, useTestEmulator, withClockAhead } from "../emulator-support";
import { overTls, requestHead, signedHeaders } from "./raw-client";

const PK = "/categoryId";
/** Restored after each test, so one that fails by removing it does not take the others down. */
const objectToString = Object.prototype.toString;

describe("no path walk reaches Object.prototype", () => {
  const env = useTestEmulator();
  afterEach(() => {
    // Whatever a failing run polluted must not leak into the next test.
    for (const name of ["polluted", "defaultTtl", "x"]) delete (Object.prototype as Record<string, unknown>)[name];
    Object.prototype.toString = objectToString;
  });

  async function itemToPatch() {
    const container = await freshContainer(env.client, "proto", { partitionKey: { paths: [PK] } });
    await container.items.create({ id: "a", categoryId: "c", obj: { inner: 1 } });
    return container;
  }
  const patchRaw = (container: { database: { id: string }; id: string }, operations: unknown[]) =>
    rawRequest(env.emulator, {
      method: "PATCH",
      path: `/dbs/${container.database.id}/colls/${container.id}/docs/a`,
      headers: { "x-ms-documentdb-partitionkey": '["c"]' },
      body: { operations },
    });

  it("answers 400 to set /__proto__/polluted and leaves every other object alone", async () => {
    const container = await itemToPatch();
    const response = await patchRaw(container, [{ op: "set", path: "/__proto__/polluted", value: true }]);
    expect(response.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const { resources } = await container.items.query("SELECT * FROM c WHERE IS_DEFINED(c.polluted)").fetchAll();
    expect(resources).toEqual([]);
  });

  it("answers 400 to set /__proto__/defaultTtl, and items elsewhere still read 200 later", async () => {
    const container = await itemToPatch();
    const other = await freshContainer(env.client, "bystander", { partitionKey: { paths: [PK] } });
    await other.items.create({ id: "b", categoryId: "c" });
    expect((await patchRaw(container, [{ op: "set", path: "/__proto__/defaultTtl", value: 1 }])).status).toBe(400);
    const status = await withClockAhead(5_000, async () => (await other.item("b", "c").read()).statusCode);
    expect(status).toBe(200);
  });

  it("answers 400 to remove /__proto__/toString, and later requests still succeed", async () => {
    const container = await itemToPatch();
    expect((await patchRaw(container, [{ op: "remove", path: "/__proto__/toString" }])).status).toBe(400);
    expect(typeof Object.prototype.toString).toBe("function");
    expect((await container.item("a", "c").read()).statusCode).toBe(200);
  });

  it("answers 400 to nested /obj/__proto__/x and /constructor/prototype/x", async () => {
    const container = await itemToPatch();
    for (const path of ["/obj/__proto__/x", "/constructor/prototype/x"]) {
      expect((await patchRaw(container, [{ op: "set", path, value: 1 }])).status).toBe(400);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("in a batch, the Patch on /__proto__/polluted fails alone (207: 400, 424 for the rest)", async () => {
    const container = await itemToPatch();
    const operations: OperationInput[] = [
      { operationType: "Create", resourceBody: { id: "n", categoryId: "c" } },
      {
        operationType: "Patch",
        id: "a",
        resourceBody: { operations: [{ op: "set", path: "/__proto__/polluted", value: 1 }] },
      },
    ];
    const response = await container.items.batch(operations, "c");
    expect(response.code).toBe(207);
    expect(response.result?.map((r) => r.statusCode)).toEqual([424, 400]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("stores set /__proto__ as an ordinary property named __proto__, as the service does", async () => {
    const container = await itemToPatch();
    const response = await patchRaw(container, [{ op: "set", path: "/__proto__", value: { polluted: 1 } }]);
    expect(response.status).toBe(200);
    const { resource } = await container.item("a", "c").read();
    expect(Object.hasOwn(resource as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Queries and their projections keep it too, as an own property.
    const { resources } = await container.items.query('SELECT * FROM c WHERE c.id = "a"').fetchAll();
    expect(Object.hasOwn(resources[0] as object, "__proto__")).toBe(true);
    const projected = await container.items.query('SELECT c["__proto__"] AS p, c["__proto__"] FROM c').fetchAll();
    expect(projected.resources).toEqual([{ p: { polluted: 1 }, ["__proto__"]: { polluted: 1 } }]);
  });

  it("does not let queries see inherited members (IS_DEFINED(c.toString) is false)", async () => {
    const container = await itemToPatch();
    const query = "SELECT VALUE c.id FROM c WHERE IS_DEFINED(c.toString) OR IS_DEFINED(c.constructor)";
    expect((await container.items.query(query).fetchAll()).resources).toEqual([]);
  });
});

describe("wrongly typed fields and deep nesting get 400, never 500", () => {
  const env = useTestEmulator();
  const hostile = { toString: 1 };

  it("an operationType of {toString:1} fails that operation with 400 in a 207", async () => {
    const container = await freshContainer(env.client, "typed", { partitionKey: { paths: [PK] } });
    // The same batch twice: the second asks for a minimal reply, which looks at each operation's type again.
    const sendHostileBatch = (extraHeaders: Record<string, string> = {}) =>
      rawRequest(env.emulator, {
        method: "POST",
        path: `/dbs/${container.database.id}/colls/${container.id}/docs`,
        headers: {
          "x-ms-cosmos-is-batch-request": "true",
          "x-ms-cosmos-batch-atomic": "true",
          "x-ms-documentdb-partitionkey": '["c"]',
          ...extraHeaders,
        },
        body: [{ operationType: hostile, id: "a" }],
      });
    const response = await sendHostileBatch();
    expect(response.status).toBe(207);
    expect((response.body as { statusCode: number }[])[0]?.statusCode).toBe(400);
    const minimal = await sendHostileBatch({ prefer: "return=minimal" });
    expect(minimal.status).toBe(207);
  });

  it("an item ttl, a partitionKey.kind, a defaultTtl and a patch op or path of {toString:1} are 400s", async () => {
    const container = await freshContainer(env.client, "typed", { partitionKey: { paths: [PK] } });
    const docs = `/dbs/${container.database.id}/colls/${container.id}/docs`;
    const pk = { "x-ms-documentdb-partitionkey": '["c"]' };
    const item = await rawRequest(env.emulator, {
      method: "POST",
      path: docs,
      headers: pk,
      body: { id: "t", categoryId: "c", ttl: hostile },
    });
    expect(item.status).toBe(400);
    const colls = `/dbs/${container.database.id}/colls`;
    for (const body of [
      { id: "k1", partitionKey: { paths: [PK], kind: hostile } },
      { id: "k2", partitionKey: { paths: [PK] }, defaultTtl: hostile },
    ]) {
      expect((await rawRequest(env.emulator, { method: "POST", path: colls, body })).status).toBe(400);
    }
    await container.items.create({ id: "p", categoryId: "c" });
    for (const operation of [
      { op: hostile, path: "/x", value: 1 },
      { op: "set", path: hostile, value: 1 },
    ]) {
      const patched = await rawRequest(env.emulator, {
        method: "PATCH",
        path: `${docs}/p`,
        headers: pk,
        body: { operations: [operation] },
      });
      expect(patched.status).toBe(400);
    }
  });

  it("JSON nested 5,000 deep in a body or a partition key header is a 400 that says to flatten it", async () => {
    const container = await freshContainer(env.client, "deep", { partitionKey: { paths: [PK] } });
    const docs = `/dbs/${container.database.id}/colls/${container.id}/docs`;
    const deep = `{"id":"d","categoryId":"c","n":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const create = await rawRequest(env.emulator, {
      method: "POST",
      path: docs,
      headers: { "x-ms-documentdb-partitionkey": '["c"]' },
      body: deep,
    });
    expect(create.status).toBe(400);
    expect((create.body as { message: string }).message).toMatch(/deeper than 128 levels; flatten it/);
    const batch = await rawRequest(env.emulator, {
      method: "POST",
      path: docs,
      headers: {
        "x-ms-cosmos-is-batch-request": "true",
        "x-ms-cosmos-batch-atomic": "true",
        "x-ms-documentdb-partitionkey": '["c"]',
      },
      body: `[{"operationType":"Create","resourceBody":${deep}}]`,
    });
    expect(batch.status).toBe(400);
    const header = await rawRequest(env.emulator, {
      method: "GET",
      path: `${docs}/d`,
      headers: { "x-ms-documentdb-partitionkey": "[".repeat(5000) },
    });
    expect(header.status).toBe(400);
  });
});

describe("ids are measured as the service measures them", () => {
  const env = useTestEmulator();

  it("refuses an item id of 600 'é' (1,200 bytes) and accepts 1,023 ASCII bytes", async () => {
    const container = await freshContainer(env.client, "ids", { partitionKey: { paths: [PK] } });
    const tooLong = await rawRequest(env.emulator, {
      method: "POST",
      path: `/dbs/${container.database.id}/colls/${container.id}/docs`,
      headers: { "x-ms-documentdb-partitionkey": '["c"]' },
      body: { id: "é".repeat(600), categoryId: "c" },
    });
    expect(tooLong.status).toBe(400);
    expect((tooLong.body as { message: string }).message).toMatch(/at most 1023 bytes of UTF-8, and this one has 1200/);
    const longest = "a".repeat(1023);
    expect((await container.items.create({ id: longest, categoryId: "c" })).statusCode).toBe(201);
  });

  it("refuses database and container ids over 255 characters and accepts 255", async () => {
    const tooLong = await rawRequest(env.emulator, { method: "POST", path: "/dbs", body: { id: "d".repeat(256) } });
    expect(tooLong.status).toBe(400);
    const { database } = await env.client.databases.create({ id: "d".repeat(255) });
    const container = await rawRequest(env.emulator, {
      method: "POST",
      path: `/dbs/${database.id}/colls`,
      body: { id: "c".repeat(256), partitionKey: { paths: [PK] } },
    });
    expect(container.status).toBe(400);
    expect((await database.containers.create({ id: "c".repeat(255) })).statusCode).toBe(201);
  });
});

describe("authentication and size come from the headers, before any body", () => {
  const env = useTestEmulator({ timeouts: { headersMs: 1_000, bodyMs: 1_000 } });

  it("answers a declared Content-Length of 50 MB with 413 at once, without waiting for the body", async () => {
    const headers = { ...signedHeaders(env.emulator, "POST", "dbs", ""), "content-length": String(50 * 1024 * 1024) };
    const answer = await overTls(env.emulator, (socket) => {
      socket.write(requestHead("POST", "/dbs", headers));
    });
    expect(answer.status).toBe(413);
    expect(answer.text).toContain("RequestEntityTooLarge");
    expect(answer.elapsedMs).toBeLessThan(1_000); // answered from the headers, not by the body timer
  });

  it("answers an unauthenticated upload with 401 before the body is sent, and closes the connection", async () => {
    const headers = { "x-ms-date": new Date().toUTCString(), authorization: "garbage", "content-length": "1000000" };
    const answer = await overTls(env.emulator, (socket) => {
      socket.write(requestHead("POST", "/dbs", headers));
      socket.write("x".repeat(1000)); // a thousandth of what it declared, then nothing
    });
    expect(answer.status).toBe(401);
    expect(answer.text.toLowerCase()).toContain("connection: close");
    expect(answer.ended).toBe("closed");
  });

  it("answers 408 to a body that stops arriving, and to headers that never end", async () => {
    const headers = { ...signedHeaders(env.emulator, "POST", "dbs", ""), "content-length": "100" };
    const slowBody = await overTls(env.emulator, (socket) => {
      socket.write(requestHead("POST", "/dbs", headers));
      socket.write('{"id":');
    });
    expect(slowBody.status).toBe(408);
    expect(slowBody.text).toContain("did not arrive within 1 s");
    const slowHeaders = await overTls(env.emulator, (socket) => {
      socket.write("GET /dbs HTTP/1.1\r\nhost: 127.0.0.1\r\n");
    });
    expect(slowHeaders.status).toBe(408);
    expect(slowHeaders.ended).toBe("closed");
  });
});

describe("Entra mode checks what it can of a token", () => {
  const env = useTestEmulator({ auth: "key-and-entra" });
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const token = (claims: object) => `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.${part({ s: 1 })}`;
  const now = () => Math.floor(Date.now() / 1000);
  const withToken = (claims: object) =>
    rawRequest(env.emulator, {
      method: "GET",
      path: "/dbs",
      key: null,
      headers: { authorization: `type=aad&ver=1.0&sig=${token(claims)}` },
    });

  it("refuses an expired token and one not valid yet (401), and accepts one inside its window", async () => {
    const expired = await withToken({ oid: "u", nbf: now() - 7200, exp: now() - 3600 });
    expect(expired.status).toBe(401);
    expect((expired.body as { message: string }).message).toMatch(/expired at .*get a new token/);
    const early = await withToken({ oid: "u", nbf: now() + 3600, exp: now() + 7200 });
    expect(early.status).toBe(401);
    expect((early.body as { message: string }).message).toMatch(/not valid before/);
    expect((await withToken({ oid: "u", nbf: now() - 60, exp: now() + 3600 })).status).toBe(200);
  });

  it("refuses an exp that is not a number (401)", async () => {
    expect((await withToken({ oid: "u", exp: "tomorrow" })).status).toBe(401);
  });
});

describe("a deleted container's waiting writes", () => {
  let stop: (() => Promise<void>) | undefined;
  afterAll(() => stop?.());

  it("answer 404 when the container was deleted while they waited for their partition", async () => {
    // The emulator's parts assembled here, so the test can hold a partition's lock itself.
    const store = new Store(memoryJournal);
    const locks = new KeyedLock();
    const context: EmulatorContext = { store, locks, accountId: "findings", endpoint: "" };
    const tls = await loadOrCreateCertificate(defaultCertificateDirectory());
    const server = createServer(
      { key: tls.key, cert: tls.cert },
      createRequestListener(context, routes, { key: WELL_KNOWN_EMULATOR_KEY, auth: "key" }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    context.endpoint = endpoint;
    const agent = new https.Agent({ ca: tls.cert });
    const client = new CosmosClient({ endpoint, key: WELL_KNOWN_EMULATOR_KEY, agent });
    stop = async () => {
      client.dispose();
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    };
    const { database } = await client.databases.create({ id: "waiting" });
    const { container } = await database.containers.create({ id: "doomed", partitionKey: { paths: [PK] } });
    const live = store.container("waiting", "doomed");

    let release!: () => void;
    const held = locks.run(partitionLockKey("waiting", live.id, '["c"]'), () => {
      return new Promise<void>((resolve) => (release = resolve));
    });
    const emulator = { endpoint, key: WELL_KNOWN_EMULATOR_KEY, ca: tls.cert, stop: async () => undefined };
    const waiting = rawRequest(emulator, {
      method: "POST",
      path: "/dbs/waiting/colls/doomed/docs",
      headers: {
        "x-ms-cosmos-is-batch-request": "true",
        "x-ms-cosmos-batch-atomic": "true",
        "x-ms-documentdb-partitionkey": '["c"]',
      },
      body: [{ operationType: "Create", resourceBody: { id: "w", categoryId: "c" } }],
    });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the batch is now queued on the lock
    await container.delete();
    release();
    await held;
    const answer = await waiting;
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: "NotFound", message: expect.stringMatching(/^Container Not Found/) });
  });
});

describe("the data folder lock", () => {
  it("is released when the emulator stops, so the next one starts on the folder", async () => {
    const { mkdtempSync, rmSync, existsSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const dataPath = mkdtempSync(path.join(tmpdir(), "lock-release-"));
    try {
      const first = await startTestEmulator({ dataPath });
      expect(existsSync(path.join(dataPath, "emulator.lock"))).toBe(true);
      await expect(startTestEmulator({ dataPath })).rejects.toThrow(
        new RegExp(`^The data folder .* is in use by another emulator \\(process ${process.pid} on `),
      );
      await first.stop();
      expect(existsSync(path.join(dataPath, "emulator.lock"))).toBe(false);
      const second = await startTestEmulator({ dataPath });
      await second.stop();
    } finally {
      rmSync(dataPath, { recursive: true, force: true });
    }
  });
});
