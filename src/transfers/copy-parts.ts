import {
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandInput,
  type HeadObjectCommandOutput,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import type { AttemptLog } from "../client/attempt-log.js";
import type { ClientContext, Target } from "../client/context.js";
import { send } from "../client/context.js";
import { type CustomerKey, sourceKeyParams } from "../common/customer-key.js";
import { fitPartSize } from "../common/limits.js";
import { forEachLimited } from "../common/pool.js";
import type { PlacementMember, WriteParams } from "../common/write-params.js";
import { commit } from "./commit.js";
import { createUpload } from "./create-upload.js";
import { multipart } from "./expected-object.js";
import type { Written } from "./reconcile.js";

// The byte mover of a multipart copy: UploadPartCopy moves the bytes inside the store, from
// the source (CopySource) to the parts of an upload of the destination. objects/copy-multipart
// runs these steps, and aborts the upload when one fails.

/** @internal A multipart copy as its requests need it: where from, where to, how. */
export interface PartCopy {
  destBucket: string;
  destKey: string;
  /** The source as CopySource names it (see copySource). */
  copySource: string;
  /** The part size asked for; raised when 10,000 parts would not do. */
  partSize: number;
  /** Parts copied at once. */
  concurrency: number;
  /** Storage class and encryption of the destination (options over scope defaults). */
  placement: Placement;
  /** The source's SSE-C key (sourceSseCustomerKey, else the scope's). */
  sourceCustomerKey: CustomerKey | undefined;
  ifNoneMatch: "*" | undefined;
  /** Only replace the destination while it has this ETag (restore's guard against a new write). */
  ifMatch: string | undefined;
  signal: AbortSignal | undefined;
  /** How long an abort waits for a CompleteMultipartUpload already sent (see commit). */
  abortGrace: number;
}

/** @internal Where and how a copy's destination is stored: its class and encryption. */
export type Placement = Pick<WriteParams, PlacementMember | "ACL">;

/** @internal The destination's SSE-C members of `placement`, for its requests after the first. */
export function destinationKey({
  SSECustomerAlgorithm,
  SSECustomerKey,
  SSECustomerKeyMD5,
}: Placement): Pick<Placement, "SSECustomerAlgorithm" | "SSECustomerKey" | "SSECustomerKeyMD5"> {
  return { SSECustomerAlgorithm, SSECustomerKey, SSECustomerKeyMD5 };
}

/** @internal The content headers and metadata a multipart copy sets on its upload. */
export type CopyHeaders = Pick<
  CreateMultipartUploadCommandInput,
  | "ContentType"
  | "Metadata"
  | "CacheControl"
  | "ContentDisposition"
  | "ContentEncoding"
  | "ContentLanguage"
  | "Expires"
>;

/**
 * @internal CreateMultipartUpload of the copy's destination with these headers and tags ("" for
 * none); an upload a lost attempt may have made is aborted (see createUpload). Returns its id.
 */
export async function createCopyUpload(
  context: ClientContext,
  plan: PartCopy,
  headers: CopyHeaders,
  tagging: string,
): Promise<string> {
  const { signal } = plan;
  const where = { bucket: plan.destBucket, key: plan.destKey };
  const target: Target = { operation: "CreateMultipartUpload", ...where };
  const created = await createUpload(
    context,
    where,
    (attempts) =>
      send(
        context,
        target,
        new CreateMultipartUploadCommand({
          Bucket: plan.destBucket,
          Key: plan.destKey,
          ...headers,
          Tagging: tagging === "" ? undefined : tagging,
          ...plan.placement,
        }),
        { attempts, signal },
      ),
    signal,
  );
  return created.UploadId;
}

/** @internal UploadPartCopy of every part, several at once, each pinned to the source's ETag. */
export async function copyParts(
  context: ClientContext,
  plan: PartCopy,
  head: HeadObjectCommandOutput,
  UploadId: string,
): Promise<CompletedPart[]> {
  const size = head.ContentLength ?? 0;
  const partSize = fitPartSize(plan.partSize, size);
  const count = Math.ceil(size / partSize);
  const parts: CompletedPart[] = [];
  const indexes = (function* () {
    for (let index = 0; index < count; index++) yield index;
  })();
  await forEachLimited(
    indexes,
    plan.concurrency,
    async (index) => {
      const start = index * partSize;
      const end = Math.min(size, start + partSize) - 1;
      const response = await send(
        context,
        { operation: "UploadPartCopy", bucket: plan.destBucket, key: plan.destKey },
        new UploadPartCopyCommand({
          Bucket: plan.destBucket,
          Key: plan.destKey,
          UploadId,
          PartNumber: index + 1,
          CopySource: plan.copySource,
          CopySourceRange: `bytes=${start}-${end}`,
          CopySourceIfMatch: head.ETag,
          ...sourceKeyParams(plan.sourceCustomerKey),
          ...destinationKey(plan.placement),
        }),
        { signal: plan.signal },
      );
      parts[index] = { PartNumber: index + 1, ETag: response.CopyPartResult?.ETag };
    },
    plan.signal,
  );
  return parts;
}

/**
 * @internal CompleteMultipartUpload of a multipart copy that began at `since`; a failure that
 * may hide a lost response is reconciled (the retry answers NoSuchUpload although the copy is
 * there). Once sent it runs to its answer within `abortGrace` after an abort, as upload's does
 * (the object may exist, and only its answer says), and no new attempt of it is sent (see
 * commit).
 */
export async function completeCopy(
  context: ClientContext,
  plan: PartCopy,
  upload: { UploadId: string; since: number },
  parts: CompletedPart[],
  headers: CopyHeaders,
): Promise<Written> {
  const { UploadId, since } = upload;
  const target = {
    operation: "CompleteMultipartUpload",
    bucket: plan.destBucket,
    key: plan.destKey,
  };
  const attempt = async (attempts: AttemptLog, signal: AbortSignal | undefined) => {
    const response = await send(
      context,
      target,
      new CompleteMultipartUploadCommand({
        Bucket: plan.destBucket,
        Key: plan.destKey,
        UploadId,
        MultipartUpload: { Parts: parts },
        // The condition belongs on the completion: that is when the object appears.
        IfNoneMatch: plan.ifNoneMatch,
        IfMatch: plan.ifMatch,
        // S3 asks for it when the upload has checksums; MinIO takes it always.
        ...destinationKey(plan.placement),
      }),
      { attempts, signal },
    );
    return { etag: response.ETag, versionId: response.VersionId };
  };
  const expected = multipart(context, parts, { ...headers, ...destinationKey(plan.placement) });
  const settings = { since, signal: plan.signal, grace: plan.abortGrace };
  return commit(context, target, attempt, expected, settings);
}
