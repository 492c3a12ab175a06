/**
 * Three answers the SDK's own tests read closely, in the service's form: a hierarchical
 * partition-key path without its leading '/', `Prefer: return=minimal` on writes, and the
 * gateway's 413 for a bulk request that is too large.
 */
import { PartitionKeyDefinitionVersion, PartitionKeyKind } from "@azure/cosmos";
import { describe, expect, it } from "vitest";
import { errorOf, freshContainer, rawRequest, uniqueId, useTestEmulator } from "../emulator-support";

const env = useTestEmulator();

describe("the service's own answers", () => {
  it("a hierarchical partition-key path without '/' is refused in the service's words", async () => {
    const { database } = await env.client.databases.create({ id: uniqueId("paths") });
    const error = await errorOf(
      database.containers.create({
        id: "hierarchical",
        partitionKey: {
          paths: ["/tenant", "user"],
          version: PartitionKeyDefinitionVersion.V2,
          kind: PartitionKeyKind.MultiHash,
        },
      }),
    );
    expect(error.code).toBe(400);
    expect(error.message).toContain(
      "The partition key component definition path 'user' could not be accepted, failed near position '0'.",
    );
  });

  it("contentResponseOnWriteEnabled: false leaves the bodies out of a batch's writes, not its reads", async () => {
    const container = await freshContainer(env.client, "minimal", { partitionKey: "/pk" });
    await container.items.create({ id: "0", pk: "a", n: 0 });
    const { result } = await container.items.batch(
      [
        { operationType: "Create", resourceBody: { id: "1", pk: "a", n: 1 } },
        { operationType: "Upsert", resourceBody: { id: "0", pk: "a", n: 2 } },
        { operationType: "Read", id: "1" },
      ],
      "a",
      { contentResponseOnWriteEnabled: false },
    );
    expect(result?.map((operation) => operation.statusCode)).toEqual([201, 200, 200]);
    expect(result?.[0]?.resourceBody).toBeUndefined();
    expect(result?.[1]?.resourceBody).toBeUndefined();
    expect(result?.[0]?.eTag).toMatch(/^"/);
    expect(result?.[2]?.resourceBody).toMatchObject({ id: "1", n: 1 });
  });

  it("a bulk request above 2 MB is a 413 in the gateway's form", async () => {
    const container = await freshContainer(env.client, "bulk-size", { partitionKey: "/pk" });
    const big = "x".repeat(1_200_000);
    const response = await rawRequest(env.emulator, {
      method: "POST",
      path: `/dbs/${container.database.id}/colls/${container.id}/docs`,
      headers: { "x-ms-cosmos-is-batch-request": "True", "x-ms-cosmos-batch-continue-on-error": "True" },
      body: [1, 2].map((n) => ({ operationType: "Create", resourceBody: { id: String(n), pk: "a", big } })),
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({
      code: "RequestEntityTooLarge",
      message: 'Message: {"Errors":["Request size is too large"]}',
    });
  });
});
