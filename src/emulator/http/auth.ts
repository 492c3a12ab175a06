/**
 * Authentication as the service does it.
 *
 * Master key: `authorization: type=master&ver=1.0&sig=<base64 HMAC-SHA256>` (URL-encoded), where the
 * HMAC is keyed with the base64-decoded account key over
 *   verb + "\n" + resourceType + "\n" + resourceLink + "\n" + x-ms-date + "\n\n"
 * (verb, type and date lower-cased; the link case-preserved, URL-decoded, without leading slash).
 * The decoded header is split by hand: URLSearchParams would turn every `+` of the base64
 * signature into a space.
 *
 * Entra ID (opt-in, `auth: "key-and-entra"`): `type=aad&ver=1.0&sig=<JWT>`. The emulator checks
 * only that the token is shaped like a JWT (three base64url parts, JSON header and payload); it
 * does NOT verify signatures, issuers or audiences, since there is no tenant to trust offline. It
 * does apply the service's data-plane rule: Entra identities may work with items but may not
 * create, replace or delete databases and containers (403, sub-status 5300).
 */
import { Header, headerValue } from "./headers";
import { createHmac, timingSafeEqual } from "node:crypto";
import { CosmosError, SubStatus } from "../cosmos-error";

export type AuthMode = "key" | "key-and-entra";

/** The resource a request addresses, as it is signed. */
export interface SignedResource {
  resourceType: string;
  resourceLink: string;
}

/** Requests dated further than this from the emulator's clock are refused, as by the service. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const unauthorized = (message: string): CosmosError => new CosmosError(401, message);

/** Splits `a=1&b=2` on the first `=` of each pair, leaving `+` and `/` alone. */
function parseTokenFields(decoded: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const pair of decoded.split("&")) {
    const at = pair.indexOf("=");
    if (at > 0) fields.set(pair.slice(0, at).toLowerCase(), pair.slice(at + 1));
  }
  return fields;
}

/** What the client signs: verb, resource type, link and date, as the service builds it. */
function stringToSign(verb: string, resource: SignedResource, date: string): string {
  return `${verb.toLowerCase()}\n${resource.resourceType.toLowerCase()}\n${resource.resourceLink}\n${date.toLowerCase()}\n\n`;
}

function masterKeySignature(key: string, verb: string, resource: SignedResource, date: string): string {
  return createHmac("sha256", Buffer.from(key, "base64"))
    .update(stringToSign(verb, resource, date), "utf8")
    .digest("base64");
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function isJwtShaped(token: string): boolean {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) return false;
  try {
    for (const part of parts.slice(0, 2)) {
      const decoded: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
      if (decoded === null || typeof decoded !== "object") return false;
    }
    return true;
  } catch {
    return false;
  }
}

export interface AuthRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  resource: SignedResource;
  /** True for creating, replacing or deleting databases and containers. */
  isControlPlaneWrite: boolean;
}

/** Throws 401 / 403 (with a JSON-able message) unless the request may proceed. */
export function authenticate(request: AuthRequest, key: string, mode: AuthMode, accountId: string): void {
  const raw = headerValue(request.headers, Header.authorization);
  if (!raw)
    throw unauthorized("Required Header authorization is missing. Ensure a valid Authorization token is passed.");
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw unauthorized("The authorization header is not correctly URL-encoded.");
  }
  const fields = parseTokenFields(decoded);
  const type = fields.get("type");
  const signature = fields.get("sig");
  if (!signature) throw unauthorized("The authorization header has no signature.");

  if (type === "aad") {
    if (mode !== "key-and-entra") {
      throw unauthorized(
        'This emulator accepts only master-key authorization; start it with auth "key-and-entra" for Entra ID tokens.',
      );
    }
    if (!isJwtShaped(signature)) throw unauthorized("The Entra ID token is not a well-formed JWT.");
    if (request.isControlPlaneWrite) {
      throw new CosmosError(
        403,
        `Request blocked by Auth ${accountId} : The given request [${request.method.toUpperCase()} ${request.path}] cannot be authorized by AAD token in data plane. Learn more: https://aka.ms/cosmos-native-rbac.`,
        SubStatus.EntraControlPlaneForbidden,
      );
    }
    return;
  }
  if (type !== "master") throw unauthorized(`Authorization type '${type ?? ""}' is not supported.`);

  const date = headerValue(request.headers, Header.msDate) ?? headerValue(request.headers, Header.date);
  if (!date) throw unauthorized("Required Header x-ms-date is missing. Ensure a valid date is passed.");
  const sentAt = Date.parse(date);
  if (Number.isNaN(sentAt) || Math.abs(Date.now() - sentAt) > MAX_CLOCK_SKEW_MS) {
    throw new CosmosError(
      401,
      `The request authorization is not valid: the x-ms-date header '${date}' is more than 15 minutes away from the current time. Make sure the clock of your machine is correct.`,
    );
  }
  const expected = masterKeySignature(key, request.method, request.resource, date);
  if (!safeEqual(signature, expected)) {
    // The message names what was signed (as the service does) but never a key or a signature.
    const signed = stringToSign(request.method, request.resource, date).replace(/\n/g, "\\n");
    throw unauthorized(
      `The input authorization token can't serve the request. The wrong key is being used or the expected payload is not built as per the protocol. For more info: https://aka.ms/cosmosdb-tsg-401. Server used the following payload to sign: '${signed}'`,
    );
  }
}
