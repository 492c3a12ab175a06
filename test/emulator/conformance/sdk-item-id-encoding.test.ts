/**
 * Conformance: the routing-gateway scenarios of @azure/cosmos's own
 * `test/public/functional/item/itemIdEncoding.spec.ts` (Azure/azure-sdk-for-js, sdk/cosmosdb/cosmos),
 * rewritten for the embedded emulator: item ids with spaces, unicode, percent signs, control
 * characters and the characters the SDK refuses, through create, read, replace and delete.
 */
import type { Container, Database } from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueId, useTestEmulator } from "../emulator-support";

const env = useTestEmulator();
let database: Database;

beforeAll(async () => {
  ({ database } = await env.client.databases.create({ id: "id encoding" }));
});

const newContainer = async (name: string): Promise<Container> =>
  (
    await database.containers.create({
      id: uniqueId(name),
      partitionKey: { paths: ["/pk"], version: undefined },
      throughput: 25100,
    })
  ).container;

/** Create, read, replace, delete one item whose id (and key) is `id`: 201, 200, 200, 204. */
async function roundTrip(containerName: string, id: string): Promise<void> {
  const container = await newContainer(containerName);
  const created = await container.items.create({ id, pk: id });
  expect(created.statusCode).toBe(201);
  expect(created.resource).toMatchObject({ id, pk: id });
  const read = await container.item(id, id).read<{ id: string; pk: string }>();
  expect(read.statusCode).toBe(200);
  expect(read.resource).toMatchObject({ id, pk: id });
  const replaced = await container.item(id, id).replace({ id, pk: id });
  expect(replaced.statusCode).toBe(200);
  expect(replaced.resource).toMatchObject({ id, pk: id });
  expect((await container.item(id, id).delete()).statusCode).toBe(204);
}

const base64Id =
  "BQE1D3PdG4N4bzU9TKaCIM3qc0TVcZ2/Y3jnsRfwdHC1ombkX3F1dot/SG0/UTq9AbgdX3kOWoP6qL6lJqWeKgV3zwWWPZO/t5X0ehJzv9LGkWld07LID2rhWhGT6huBM6Q=".replace(
    /\//g,
    "-",
  );

describe("item id encoding", () => {
  it.each<[string, string]>([
    ["a plain id", "Test"],
    ["whitespace inside", "This is a test"],
    ["a leading whitespace", " Test"],
    ["leading whitespaces", "   Test"],
    ["unicode characters", "WithUnicode鱀"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: "${}" is one of the id characters under test.
    ["allowed special characters", "WithAllowedSpecial,=.:~+-@()^${}[]!_Chars"],
    ["base64 characters", base64Id],
    ["a percent-encoded whitespace at the end", "IdEndingWithPercentEncodedWhitespace%20"],
    ["a percent-encoded special character", "WithPercentEncodedSpecialChar%E9%B1%80"],
    ["a carriage return", "With\rCarriageReturn"],
    ["a tab", "With\tTab"],
    ["a line feed", "With\nLineFeed"],
    ["a trailing whitespace", "Test "],
    ["trailing whitespaces", "Test   "],
    ["a question mark", "Disallowed?Chars"],
  ])("round-trips an id with %s", (_name, id) => roundTrip("RGW", id));

  it("round-trips an item in a container whose id has unicode", () =>
    roundTrip("RGW_ContainerIdWithUnicode鱀", "Test"));

  it.each<[string, string]>([
    ["a forward slash", "Disallowed/Chars"],
    ["a back slash", "Disallowed\\Chars"],
    ["a pound sign", "Disallowed#Chars"],
  ])("refuses an id with %s (the SDK refuses before sending)", async (_name, id) => {
    const container = await newContainer("RGW");
    await expect(container.items.create({ id, pk: id })).rejects.toMatchObject({
      message: "Id contains illegal chars.",
    });
  });
});
