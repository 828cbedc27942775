import { errorCode, errorStatus } from "../errors/transient.js";

/**
 * Codes of a 400 S3 answers a request signed for another region with, naming the bucket's
 * own; "Unknown" is a HEAD's, whose answer has no body to name a code.
 */
const WRONG_REGION = new Set([
  "AuthorizationHeaderMalformed",
  "IllegalLocationConstraintException",
  "Unknown",
  "UnknownError",
]);

/** What a region name may hold: it becomes part of a host name and a credential scope. */
const REGION_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The region a store's refusal says the bucket is in: a 301 PermanentRedirect (sent to the
 * wrong region's host), or a 400 AuthorizationHeaderMalformed (signed for the wrong region),
 * naming it in x-amz-bucket-region (or the error's <Region>). Undefined for any other failure,
 * and when that region is `signedFor` already: a store that keeps redirecting to the region
 * just tried is not followed around.
 */
export function redirectRegion(error: unknown, signedFor: string): string | undefined {
  const status = errorStatus(error);
  if (status !== 301 && !(status === 400 && WRONG_REGION.has(errorCode(error)))) return undefined;
  const answer = error as { $response?: { headers?: Record<string, string> }; Region?: unknown };
  const region = answer.$response?.headers?.["x-amz-bucket-region"] ?? answer.Region;
  if (typeof region !== "string" || !REGION_NAME.test(region) || region === signedFor) {
    return undefined;
  }
  return region;
}
