/**
 * Errors the emulator answers with. Every error response carries a JSON body `{ code, message }`:
 * `@azure/cosmos` reads both, and an empty error body makes it throw a TypeError instead of a status.
 */

/** The `code` strings the service puts in error bodies, by HTTP status. */
const CODE_BY_STATUS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  408: "RequestTimeout",
  409: "Conflict",
  410: "Gone",
  412: "PreconditionFailed",
  413: "RequestEntityTooLarge",
  424: "FailedDependency",
  500: "InternalServerError",
  503: "ServiceUnavailable",
};

export class CosmosError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly subStatus?: number,
  ) {
    super(message);
    this.name = "CosmosError";
  }

  get code(): string {
    return CODE_BY_STATUS[this.status] ?? "Error";
  }
}

export const badRequest = (message: string, subStatus?: number): CosmosError =>
  new CosmosError(400, message, subStatus);

export const notFound = (what = "Resource"): CosmosError =>
  new CosmosError(404, `${what} Not Found. Learn more: https://aka.ms/cosmosdb-tsg-not-found`);

export const conflict = (): CosmosError =>
  new CosmosError(409, "Entity with the specified id already exists in the system.");

export const preconditionFailed = (): CosmosError =>
  new CosmosError(412, "Operation cannot be performed because one of the specified precondition is not met.");

/** Sub-statuses this emulator uses (values as the service documents them). */
export const SubStatus = {
  /** The partition key in the body does not match the one of the request. */
  PartitionKeyMismatch: 1001,
  /** An Entra ID identity may not manage databases and containers through the data plane. */
  EntraControlPlaneForbidden: 5300,
} as const;

/**
 * A client value quoted in an error message. `String(value)` would run the value's own
 * `toString`, which for `{"toString":1}` throws; JSON text never does (depth is bounded above).
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return value;
  const text = JSON.stringify(value);
  if (text === undefined) return typeof value;
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
