/** Databases: create, read, list, query, delete. */
import { metadataCharge } from "../operations/charges";
import { CosmosError, badRequest, conflict } from "../cosmos-error";
import { jsonBody, type EmulatorContext, type Handler } from "../http/server";
import { withMetadataLock } from "../operations/locks";
import {
  invalidIdReason,
  newDatabaseRid,
  newEtag,
  nowSeconds,
  type Json,
  type StoredDatabase,
  type WithId,
} from "../store/stored-resources";
import type { Mutation } from "../store/store";
import { feedReply, queryReply, resourceReply } from "./feeds";
import { offerDeletion, offerMutation, requestedThroughput } from "./offers";

export function requireValidId(body: unknown): WithId {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw badRequest("The request body must be a JSON object.");
  const reason = invalidIdReason((body as Json).id);
  if (reason) throw badRequest(reason);
  return body as WithId; // invalidIdReason accepts only a non-empty string id
}

export const createDatabase: Handler = (context, request) => {
  const body = requireValidId(jsonBody(request));
  const throughput = requestedThroughput(request);
  return withMetadataLock(context, async () => {
    if (context.store.databases.has(body.id)) throw conflict();
    const rid = newDatabaseRid();
    const database: StoredDatabase = {
      id: body.id,
      _rid: rid,
      _self: `dbs/${rid}/`,
      _etag: newEtag(),
      _colls: "colls/",
      _users: "users/",
      _ts: nowSeconds(),
    };
    const mutations: Mutation[] = [{ type: "putDatabase", database }];
    if (throughput) mutations.push(offerMutation(database, throughput));
    await context.store.commit(mutations);
    return resourceReply(201, database);
  });
};

export const readDatabase: Handler = ({ store }, request) =>
  resourceReply(200, store.database(request.params.db ?? "").resource);

const allDatabases = (context: EmulatorContext): StoredDatabase[] =>
  [...context.store.databases.values()].map((db) => db.resource);

export const listDatabases: Handler = (context, request) =>
  feedReply(request, "", "Databases", allDatabases(context), 1);

export const queryDatabases: Handler = (context, request) =>
  queryReply(request, "", "Databases", allDatabases(context));

export const deleteDatabase: Handler = (context, request) =>
  withMetadataLock(context, async () => {
    const database = context.store.database(request.params.db ?? "");
    const mutations: Mutation[] = [];
    for (const container of database.containers.values())
      mutations.push(...offerDeletion(context.store, container.resource));
    mutations.push(...offerDeletion(context.store, database.resource), {
      type: "deleteDatabase",
      id: database.resource.id,
    });
    await context.store.commit(mutations);
    return { status: 204, charge: metadataCharge(0) };
  });

/** The service has no database replace; throughput changes go through offers. */
export const replaceDatabase: Handler = () => {
  throw new CosmosError(405, "Databases cannot be replaced; change throughput through the database's offer.");
};
