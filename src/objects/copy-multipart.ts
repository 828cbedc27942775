import type { HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import { failure, type Target, throwIfAborted } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { taggingHeader } from "../common/tags.js";
import { completeCopy, copyParts, createCopyUpload } from "../transfers/copy-parts.js";
import { abortAndConfirm } from "../transfers/multipart.js";
import { type CopyObjectResult, type CopyPlan, contentHeaders, copyResult } from "./copy-plan.js";
import { sourceError, versionOf } from "./head-source.js";
import { getTags } from "./tags.js";

/**
 * @internal UploadPartCopy. A multipart copy carries no headers, metadata or tags by itself, so
 * they are read from the source and set on CreateMultipartUpload; every part is pinned to the
 * source's ETag, and any failure aborts the upload (confirmed with ListParts) so no parts stay
 * behind. A Create attempt that may have made an upload unseen (its answer lost, or the call
 * aborted once it was sent) has that upload aborted too (see createUpload).
 */
export async function copyMultipart(
  scope: ScopeRef,
  plan: CopyPlan,
  head: HeadObjectCommandOutput,
): Promise<CopyObjectResult> {
  const { signal } = plan;
  const since = Date.now();
  const tagging = plan.tagging ?? taggingHeader(await getTags(scope, plan.srcKey, versionOf(plan)));
  const headers = contentHeaders(head, plan.replacement);
  const UploadId = await createCopyUpload(scope.context, plan, headers, tagging);
  const target: Target = {
    operation: "UploadPartCopy",
    bucket: plan.destBucket,
    key: plan.destKey,
  };
  try {
    const parts = await copyParts(scope.context, plan, head, UploadId);
    throwIfAborted(scope.context, signal, target);
    const done = await completeCopy(scope.context, plan, { UploadId, since }, parts, headers);
    return copyResult(scope, plan, done);
  } catch (error) {
    await abortAndConfirm(scope.context, plan.destBucket, plan.destKey, UploadId, plan.operation);
    throw failure(scope.context, sourceError(scope, plan, error), target);
  }
}
