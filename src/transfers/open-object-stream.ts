import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { callCustomerKey } from "../common/customer-key.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { type ChunkSource, chunkSource } from "./chunk-source.js";
import { ReadRequests } from "./read-requests.js";
import { type ReadOptions, type ReadPlan, resolveStreamOptions } from "./resolve-stream-options.js";
import { ResumingBody } from "./resuming-body.js";
import { firstSpan } from "./span-of.js";

/** An open, self-resuming object body and what the first response said about the object. */
export interface ObjectStream {
  body: ChunkSource;
  /** The ETag every resumed request is pinned to. */
  etag: string | undefined;
  versionId: string | undefined;
  /**
   * Bytes this stream delivers: the range's length, or the object's size; undefined when the
   * server did not announce them (a whole object sent without Content-Length).
   */
  length: number | undefined;
  /** Size of the whole object, when known. */
  size: number | undefined;
  /** The first byte delivered (0 but for a range). */
  start: number;
  /** The first response (its Body is `body`'s source): the object's headers. */
  response: Omit<GetObjectCommandOutput, "Body">;
  /**
   * The whole body in one array when the first response brought it all (a small object on
   * the lean path), which ends the read; undefined when `body` is to be read.
   */
  whole(): Uint8Array | undefined;
}

/**
 * Opens a full key as a ChunkSource that resumes itself (see ResumingBody): the body every
 * read consumes, with no Node stream (`stream()` alone wraps it in one). Every response, the
 * first one included, is checked: it must be the pinned object (a store may ignore If-Match)
 * and exactly the bytes asked for (a store may ignore a Range or its end). A response that
 * does not come within `idleTimeout` is cancelled and tried again. The first request may use
 * maxRetries + 1 requests, the SDK's own retries included; resumes share maxRetries, and a
 * resume after a connection that brought 64 KiB gets a fresh maxRetries (see ResumingBody).
 * @throws ValidationError for a bad option; ObjectNotFoundError, BucketNotFoundError,
 * PreconditionFailedError, AccessDeniedError, S3OperationError at the await ("TooLarge"
 * above `maxLength`, "LengthMismatch", "RangeIgnored"); reading the body throws
 * PreconditionFailedError when the object changed and S3OperationError when the budget is
 * spent, the server sends more than expected, or a resume learns a length above `maxLength`.
 */
export async function openObjectStream(
  scope: ScopeRef,
  Key: string,
  options: ReadOptions,
): Promise<ObjectStream> {
  const settings = resolveStreamOptions(options);
  const customerKey = callCustomerKey(scope.defaults, options.sseCustomerKey, settings.operation);
  const plan: ReadPlan = { scope, Key, ...settings, customerKey };
  const requests = new ReadRequests(plan);
  requests.refill(scope.context.policy.maxRetries + 1);
  const rangeHeader = plan.suffix === undefined ? undefined : `bytes=-${plan.suffix}`;
  // Only the first request's body may come whole: a resume streams what is left.
  const conditions = {
    ...{ ...plan.pin, ...plan.conditions, rangeHeader },
    ...{ holdBody: plan.whole, checksums: plan.checksums },
  };
  const first = await requests.withinBudget(
    () => requests.get(plan.asked, conditions),
    "s3kit retry",
  );
  const span = firstSpan(plan, first);
  const read = new ResumingBody(plan, requests, first, span);
  // Destroying it frees the response's socket even before its first read (see chunkSource).
  const body = chunkSource(read.chunks(), () => read.destroy());
  return {
    body,
    etag: read.etag,
    versionId: read.versionId,
    length: span.length,
    size: span.total,
    start: span.start,
    response: first.response,
    whole: () => read.whole(),
  };
}
