/** `GET /`: the database account, whose locations point the SDK back at this emulator. */
import { Header } from "../http/headers";
import type { Handler } from "../http/server";

export const readAccount: Handler = (context) => {
  // The SDK ignores the locations of an account called "localhost" and then re-reads the account
  // before every request; with another id and a reachable endpoint it reads it once.
  const location = { name: "South Central US", databaseAccountEndpoint: context.endpoint };
  return {
    status: 200,
    body: {
      _self: "",
      id: context.accountId,
      _rid: `${context.accountId}.documents.azure.com`,
      media: "//media/",
      addresses: "//addresses/",
      _dbs: "//dbs/",
      writableLocations: [location],
      readableLocations: [location],
      enableMultipleWriteLocations: false,
      userReplicationPolicy: { asyncReplication: false, minReplicaSetSize: 1, maxReplicasetSize: 4 },
      userConsistencyPolicy: { defaultConsistencyLevel: "Session" },
      systemReplicationPolicy: { minReplicaSetSize: 1, maxReplicasetSize: 4 },
      readPolicy: { primaryReadCoefficient: 1, secondaryReadCoefficient: 1 },
      queryEngineConfiguration:
        '{"maxSqlQueryInputLength":262144,"maxJoinsPerSqlQuery":5,"maxLogicalAndPerSqlQuery":500,"maxLogicalOrPerSqlQuery":500,"maxUdfRefPerSqlQuery":10,"maxInExpressionItemsCount":16000,"queryMaxInMemorySortDocumentCount":500,"maxQueryRequestTimeoutFraction":0.9,"sqlAllowNonFiniteNumbers":false,"sqlAllowAggregateFunctions":true,"sqlAllowSubQuery":true,"sqlAllowScalarSubQuery":true,"allowNewKeywords":true,"sqlAllowLike":true,"sqlAllowGroupByClause":false,"maxSpatialQueryCells":12,"spatialMaxGeometryPointCount":256,"sqlDisableOptimizationFlags":0,"sqlAllowTop":true,"enableSpatialIndexing":true}',
    },
    headers: { [Header.maxMediaStorageUsageMb]: "10240", [Header.mediaStorageUsageMb]: "0" },
  };
};
