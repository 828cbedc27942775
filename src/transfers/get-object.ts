import { GetObjectCommand, type GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { send } from "../client/context.js";
import type { RetryBudget } from "../client/retry-budget.js";
import type { AskedBytes } from "../common/checks.js";
import { type CustomerKey, customerKeyParams } from "../common/customer-key.js";
import type { ScopeRef } from "../common/scope-ref.js";

// The pin check lives in check-pinned.ts; these names are kept for download.ts and reconcile.ts.

/** What one GetObject request is sent with. */
export interface GetRequestOptions {
  rangeHeader?: string;
  ifMatch?: string;
  /** open()'s conditions: the first request only (resumes are pinned by If-Match). */
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
  versionId?: string;
  signal?: AbortSignal;
  /** The attempts this request may make, the SDK's retries included (see RetryBudget). */
  budget?: RetryBudget;
  /** See SendOptions.holdBody. */
  holdBody?: boolean;
  /**
   * Ask for the object's checksums (x-amz-checksum-mode: ENABLED). On the SDK's path the SDK
   * then checks the body against a full-object one too, failing as "ChecksumMismatch".
   */
  checksums?: boolean;
  /** The object's SSE-C key, sent with every request of a read. */
  customerKey?: CustomerKey | undefined;
}

/** The Range header asking for `asked`. */
export function rangeHeader(asked: AskedBytes): string {
  return `bytes=${asked.start}-${asked.end ?? ""}`;
}

/** Sends GetObject for a full key with the read options. */
export function getRaw(
  scope: ScopeRef,
  Key: string,
  options: GetRequestOptions,
): Promise<GetObjectCommandOutput> {
  return send(
    scope.context,
    { operation: "GetObject", bucket: scope.bucketName, key: Key },
    new GetObjectCommand({
      Bucket: scope.bucketName,
      Key,
      Range: options.rangeHeader,
      IfMatch: options.ifMatch,
      IfNoneMatch: options.ifNoneMatch,
      IfModifiedSince: options.ifModifiedSince,
      IfUnmodifiedSince: options.ifUnmodifiedSince,
      VersionId: options.versionId,
      ChecksumMode: options.checksums ? "ENABLED" : undefined,
      ...customerKeyParams(options.customerKey),
    }),
    { signal: options.signal, budget: options.budget, holdBody: options.holdBody },
  );
}
