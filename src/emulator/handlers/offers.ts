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
import type { Mutation, Store } from "../store/store";
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
  const body = jsonBody(request) as Json;
  const content = (body.content ?? {}) as Json;
  const ifMatch = header(request, Header.ifMatch);
  if (ifMatch !== undefined && ifMatch !== current._etag)
    throw new CosmosError(412, "The offer was changed since it was read.");
  const next: StoredOffer = {
    ...current,
    content: { ...current.content, ...content },
    _etag: newEtag(),
    _ts: nowSeconds(),
  };
  const throughput = next.content.offerThroughput;
  if (typeof throughput === "number" && next.content.offerAutopilotSettings === undefined) validThroughput(throughput);
  await store.commit([{ type: "putOffer", offer: next }]);
  return resourceReply(200, next);
};
