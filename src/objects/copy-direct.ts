import {
  CopyObjectCommand,
  type CopyObjectCommandInput,
  type HeadObjectCommandOutput,
} from "@aws-sdk/client-s3";
import type { AttemptLog } from "../client/attempt-log.js";
import { send } from "../client/context.js";
import { sourceKeyParams } from "../common/customer-key.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { commit } from "../transfers/commit.js";
import { type ExpectedObject, isPlainMd5 } from "../transfers/expected-object.js";
import { type CopyObjectResult, type CopyPlan, contentHeaders, copyResult } from "./copy-plan.js";
import { headSource, sourceError } from "./head-source.js";

/**
 * @internal CopyObject. Without a HEAD the metadata directive is COPY (S3 carries every header
 * over); with one, the copy is pinned to the source's ETag and replacements are applied.
 */
export async function copyDirect(
  scope: ScopeRef,
  plan: CopyPlan,
  head: HeadObjectCommandOutput | undefined,
): Promise<CopyObjectResult> {
  const input: CopyObjectCommandInput = {
    Bucket: plan.destBucket,
    Key: plan.destKey,
    CopySource: plan.copySource,
    CopySourceIfMatch: head?.ETag,
    IfNoneMatch: plan.ifNoneMatch,
    IfMatch: plan.ifMatch,
    ...plan.placement,
    ...sourceKeyParams(plan.sourceCustomerKey),
  };
  if (plan.replacement && head)
    Object.assign(input, { MetadataDirective: "REPLACE" }, contentHeaders(head, plan.replacement));
  if (plan.tagging !== undefined)
    Object.assign(input, { TaggingDirective: "REPLACE", Tagging: plan.tagging });
  const target = { operation: "CopyObject", bucket: plan.destBucket, key: plan.destKey };
  const attempt = async (attempts: AttemptLog) => {
    const response = await send(scope.context, target, new CopyObjectCommand(input), {
      attempts,
      signal: plan.signal,
    });
    return { etag: response.CopyObjectResult?.ETag, versionId: response.VersionId };
  };
  // A lost response: the retry of a conditional copy answers 412 to the copy itself. The
  // source is read without the caller's signal, like the destination (see reconcile).
  const expected = () => copiedObject(scope, { ...plan, signal: undefined }, head);
  try {
    const done = await commit(scope.context, target, attempt, expected, { signal: plan.signal });
    return copyResult(scope, plan, done);
  } catch (error) {
    throw sourceError(scope, plan, error);
  }
}

/**
 * What a CopyObject stores, when that can be known: the source's ETag, if it is the MD5 of
 * the bytes (one part, no SSE-KMS or SSE-C on either side, so the copy's ETag is that MD5
 * too), and the source's headers or their replacements. Without a HeadObject from before
 * the copy, the source is read now: if it changed meanwhile, its ETag no longer matches.
 */
async function copiedObject(
  scope: ScopeRef,
  plan: CopyPlan,
  known: HeadObjectCommandOutput | undefined,
): Promise<ExpectedObject | undefined> {
  const source = known ?? (await headSource(scope, plan));
  const kms = (encryption: string | undefined) => encryption?.startsWith("aws:kms") === true;
  if (!isPlainMd5(source.ETag) || source.SSECustomerAlgorithm !== undefined) return undefined;
  if (plan.placement.SSECustomerAlgorithm !== undefined) return undefined;
  if (kms(source.ServerSideEncryption) || kms(plan.placement.ServerSideEncryption))
    return undefined;
  const headers = plan.replacement ? contentHeaders(source, plan.replacement) : source;
  return { etag: source.ETag, contentType: headers.ContentType, metadata: headers.Metadata };
}
