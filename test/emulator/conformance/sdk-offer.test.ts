/**
 * Conformance: the scenarios of @azure/cosmos's own `test/public/functional/offer.spec.ts`
 * (Azure/azure-sdk-for-js, sdk/cosmosdb/cosmos), rewritten for the embedded emulator: the offer
 * (throughput) of a container read, queried, replaced, and gone with its container. Each test
 * starts from an account with no databases, as upstream's does.
 */
import { Constants, type Container, type OfferDefinition, type Resource } from "@azure/cosmos";
import { afterEach, describe, expect, it } from "vitest";
import { freshContainer, statusOf, useTestEmulator } from "../emulator-support";

type Offer = OfferDefinition & Partial<Resource>;

const env = useTestEmulator();
afterEach(async () => {
  const { resources } = await env.client.databases.readAll().fetchAll();
  await Promise.all(resources.map((db) => env.client.database(db.id).delete()));
});

const newContainer = (): Promise<Container> => freshContainer(env.client, "Validate Offer CRUD");

function expectValidOffer(offer: Offer | undefined): void {
  expect(offer?.id).toBeTruthy();
  expect(offer?._rid).toBeTruthy();
  expect(offer?._self).toBeTruthy();
  expect(offer?.resource).toBeTruthy();
  expect(offer?._self).toContain(offer?.id);
}

describe("offers", () => {
  it("reads and queries the offer of a container; reports its size quota; 404 once the container is gone", async () => {
    const container = await newContainer();
    const { headers } = await container.read({ populateQuotaInfo: true });
    const quota = headers[Constants.HttpHeaders.MaxResourceQuota] as string | undefined;
    expect(quota).toBeTruthy();
    const fields = Object.fromEntries((quota ?? "").split(";").map((pair) => pair.split("=")));
    expect(Number(fields.collectionSize)).toBe(10 * 1024 * 1024);

    const offers: Offer[] = (await env.client.offers.readAll().fetchAll()).resources;
    expect(offers).toHaveLength(1);
    const expected = offers[0]!;
    expect(expected.content?.offerThroughput).toBe(400);
    expectValidOffer(expected);

    const { resource: read } = await env.client.offer(expected.id!).read();
    expectValidOffer(read);
    expect(read).toMatchObject({
      id: expected.id,
      _rid: expected._rid,
      _self: expected._self,
      resource: expected.resource,
    });

    const { resources: queried } = await env.client.offers
      .query({ query: "select * FROM root r WHERE r.id=@id", parameters: [{ name: "@id", value: expected.id! }] })
      .fetchAll();
    expect(queried).toHaveLength(1);
    expectValidOffer(queried[0]);

    await container.delete();
    expect(await statusOf(env.client.offer(expected.id!).read())).toBe(404);
  });

  it("replaces the offer's throughput; refuses a replace under a bad id (400 or 401)", async () => {
    await newContainer();
    const offers: Offer[] = (await env.client.offers.readAll().fetchAll()).resources;
    expect(offers).toHaveLength(1);
    const expected = offers[0]!;
    expectValidOffer(expected);

    const toReplace: Offer = {
      ...expected,
      content: { ...expected.content!, offerThroughput: expected.content!.offerThroughput + 100 },
    };
    const { resource: replaced } = await env.client.offer(toReplace.id!).replace(toReplace);
    expectValidOffer(replaced);
    expect(replaced).toMatchObject({
      id: toReplace.id,
      _rid: toReplace._rid,
      _self: toReplace._self,
      resource: toReplace.resource,
    });
    expect(replaced?.content?.offerThroughput).toBe(toReplace.content?.offerThroughput);

    const badId: Offer = { ...toReplace, _rid: "NotAllowed" };
    expect([400, 401]).toContain(await statusOf(env.client.offer(badId._self!).replace(badId)));
  });
});
