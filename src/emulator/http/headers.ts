/**
 * Every HTTP header the emulator reads or writes, in one place, so a handler names a header instead
 * of spelling it. Values are lower case because Node lower-cases the headers it receives; HTTP
 * header names are case-insensitive, so the ones written back read the same to any client.
 */
export const Header = {
  // Standard HTTP
  authorization: "authorization",
  connection: "connection",
  contentLength: "content-length",
  contentType: "content-type",
  date: "date",
  etag: "etag",
  ifMatch: "if-match",
  ifNoneMatch: "if-none-match",
  /** `return=minimal`: a write answers without its body (the SDK's contentResponseOnWriteEnabled: false). */
  prefer: "prefer",

  // Every Cosmos DB reply
  activityId: "x-ms-activity-id",
  gatewayVersion: "x-ms-gatewayversion",
  requestCharge: "x-ms-request-charge",
  serviceVersion: "x-ms-serviceversion",
  sessionToken: "x-ms-session-token",
  subStatus: "x-ms-substatus",

  // Authentication
  msDate: "x-ms-date",

  // Items, queries and feeds
  continuation: "x-ms-continuation",
  isQuery: "x-ms-documentdb-isquery",
  isQueryPlanRequest: "x-ms-cosmos-is-query-plan-request",
  isUpsert: "x-ms-documentdb-is-upsert",
  itemCount: "x-ms-item-count",
  maxItemCount: "x-ms-max-item-count",
  partitionKey: "x-ms-documentdb-partitionkey",
  /** The partition key range a cross-partition query, read feed or bulk request is sent to. */
  partitionKeyRangeId: "x-ms-documentdb-partitionkeyrangeid",
  /** Part of that range, after the SDK saw it split. */
  startEpk: "x-ms-start-epk",
  endEpk: "x-ms-end-epk",

  // Transactional batch
  batchAtomic: "x-ms-cosmos-batch-atomic",
  batchContinueOnError: "x-ms-cosmos-batch-continue-on-error",
  isBatchRequest: "x-ms-cosmos-is-batch-request",

  // Throughput, quotas and account usage
  indexTransformationProgress: "x-ms-documentdb-collection-index-transformation-progress",
  maxMediaStorageUsageMb: "x-ms-max-media-storage-usage-mb",
  mediaStorageUsageMb: "x-ms-media-storage-usage-mb",
  offerAutopilotSettings: "x-ms-cosmos-offer-autopilot-settings",
  offerThroughput: "x-ms-offer-throughput",
  populateQuotaInfo: "x-ms-documentdb-populatequotainfo",
  resourceQuota: "x-ms-resource-quota",
  resourceUsage: "x-ms-resource-usage",
} as const;

export type HeaderName = (typeof Header)[keyof typeof Header];

/** A header's value as Node received it; a header sent twice arrives as an array, and the first counts. */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: HeaderName,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
