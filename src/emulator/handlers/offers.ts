/**
 * Throughput (offers). Provisioned throughput is accepted, stored and readable as the SDK expects
 * (`container.readOffer()` queries `/offers` by the container's `_self`); it does not throttle.
 */
import { Header } from "../http/headers";
import { CosmosError, badRequest, notFound } from "../cosmos-error";
import { header, jsonBody, type EmulatorRequest, type Handler } from "../http/server";
import {
  newEtag,
  newOfferRid,
  nowSeconds,
  type Json,
  type StoredOffer,
  type StoredResource,
} from "../store/stored-resources";
import type { Container, Mutation, Store } from "../store/store";
import { partitionCountFor, splitTo } from "../store/partition-key-ranges";
import { feedReply, queryReply, resourceReply } from "./feeds";

/** What the service accepts for manual throughput: at least 400 RU/s, in steps of 100. */
function validThroughput(value: number): number {
  if (!Number.isInteger(value) || value < 400 || value % 100 !== 0 || value > 1_000_000) {
    throw badRequest(`The offer throughput provided (${value}) is not valid: use at least 400 RU/s, in steps of 100.`);
  }
  return value;
}

/** Throughput requested by `x-ms-offer-throughput` or autoscale settings, if any. */
export function requestedThroughput(request: EmulatorRequest): Json | undefined {
  const manual = header(request, Header.offerThroughput);
  const autoscale = header(request, Header.offerAutopilotSettings);
  if (manual !== undefined && autoscale !== undefined) {
    throw badRequest("Specify either manual throughput or autoscale settings, not both.");
  }
  if (manual !== undefined)
    return { offerThroughput: validThroughput(Number(manual)), offerIsRUPerMinuteThroughputEnabled: false };
  if (autoscale !== undefined) {
    let maxThroughput: unknown;
    try {
      maxThroughput = (JSON.parse(autoscale) as { maxThroughput?: unknown }).maxThroughput;
    } catch {
      throw badRequest("The autoscale settings are not valid JSON.");
    }
    if (typeof maxThroughput !== "number" || maxThroughput < 1000 || maxThroughput % 1000 !== 0) {
      throw badRequest("Autoscale maxThroughput must be at least 1000 RU/s, in steps of 1000.");
    }
    return { offerThroughput: maxThroughput / 10, offerAutopilotSettings: { maxThroughput } };
  }
  return undefined;
}

export function offerMutation(resource: StoredResource, content: Json): Mutation {
  const id = newOfferRid();
  return {
    type: "putOffer",
    offer: {
      resource: resource._self,
      offerType: "Invalid",
      offerResourceId: resource._rid,
      offerVersion: "V2",
      content,
      id,
      _rid: id,
      _self: `offers/${id}/`,
      _etag: newEtag(),
      _ts: nowSeconds(),
    },
  };
}

/** Removing a database or container removes its offer too. */
export function offerDeletion(store: Store, resource: StoredResource): Mutation[] {
  const offer = store.offerFor(resource._self);
  return offer ? [{ type: "deleteOffer", id: offer.id }] : [];
}

const offers = (store: Store): StoredOffer[] => [...store.offers.values()];

export const listOffers: Handler = ({ store }, request) => feedReply(request, "", "Offers", offers(store), 1);

export const queryOffers: Handler = ({ store }, request) => queryReply(request, "", "Offers", offers(store));

export const readOffer: Handler = ({ store }, request) => {
  const offer = store.offers.get(request.params.offer ?? "");
  if (!offer) throw notFound("Offer");
  return resourceReply(200, offer);
};

export const replaceOffer: Handler = async ({ store }, request) => {
  const current = store.offers.get(request.params.offer ?? "");
  if (!current) throw notFound("Offer");
  const body = jsonBody(request) as Json | null;
  const content = body?.content;
  if (content === null || typeof content !== "object" || Array.isArray(content)) {
    throw badRequest(
      "The offer needs its content as an object, like { offerThroughput: 400 }: send the offer as read.",
    );
  }
  const ifMatch = header(request, Header.ifMatch);
  if (ifMatch !== undefined && ifMatch !== current._etag)
    throw new CosmosError(412, "The offer was changed since it was read.");
  const next: StoredOffer = {
    ...current,
    content: { ...current.content, ...content },
    _etag: newEtag(),
    _ts: nowSeconds(),
  };
  const throughput: unknown = next.content.offerThroughput;
  if (throughput !== undefined && typeof throughput !== "number") {
    throw badRequest("The offer's offerThroughput must be a number of RU/s, like 400.");
  }
  if (typeof throughput === "number" && next.content.offerAutopilotSettings === undefined) validThroughput(throughput);
  await store.commit([{ type: "putOffer", offer: next }, ...splitsFor(store, next)]);
  return resourceReply(200, next);
};

/** The containers whose physical partitions an offer provisions: its container, or its database's that have none of their own. */
function containersProvisionedBy(store: Store, offer: StoredOffer): Container[] {
  for (const database of store.databases.values()) {
    if (database.resource._self === offer.resource) {
      return [...database.containers.values()].filter((container) => !store.offerFor(container.resource._self));
    }
    for (const container of database.containers.values())
      if (container.resource._self === offer.resource) return [container];
  }
  return [];
}

/**
 * Raising throughput past what a container's ranges carry splits them, as the service does (at
 * once here, where the service takes a while); lowering it never merges them.
 */
function splitsFor(store: Store, offer: StoredOffer): Mutation[] {
  const count = partitionCountFor(offer.content);
  return containersProvisionedBy(store, offer).flatMap((container): Mutation[] => {
    const ranges = splitTo(container.partitionKeyRanges, count, container.definition);
    if (ranges === container.partitionKeyRanges) return [];
    return [{ type: "putPartitionKeyRanges", databaseId: container.databaseId, containerId: container.id, ranges }];
  });
}
