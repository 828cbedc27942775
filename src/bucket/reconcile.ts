import { HeadObjectCommand, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import { type ClientContext, request, type Target } from "../client/context.js";
import { log } from "../client/logger.js";
import { PreconditionFailedError } from "../errors/precondition-failed-error.js";
import { isS3Error } from "../errors/s3-error.js";
import { abortUploadsOfKey, type ListedUpload } from "./abort-uploads.js";

// A request can be carried out by the server while its response is lost; the SDK then retries
// it. For the requests that are not idempotent that retry answers the opposite of what
// happened, or does it twice. This module holds s3kit's answer to both:
// - a write whose commit failed in a way that may hide a success is reconciled: the object at
//   the key is read (HeadObject) and the write counts as done when that object is the one it
//   must have produced (`reconcile`);
// - a CreateMultipartUpload that needed a retry may have left an upload behind, which is
//   found and aborted (`createUpload`).

/** What a write must have stored, to recognise it after its response was lost. */
export interface ExpectedObject {
  /** The ETag the write produces, quotes included. */
  etag: string;
  /** The Content-Type it sent. */
  contentType: string | undefined;
  /** The user metadata it sent (none: undefined or {}). */
  metadata: Record<string, string> | undefined;
}

/** The object a write stored: what its lost response would have said. */
export interface Written {
  etag: string | undefined;
  versionId: string | undefined;
}

/** Room for clocks: S3 gives Initiated to the second, and ours may be a little off S3's. */
const CLOCK_MARGIN_MS = 1000;

/**
 * Whether a failed request may nevertheless have been carried out: its last attempt got no
 * answer (a lost response looks like a reset or a timeout) or a 5xx that can come after the
 * work was done (500, 502, 504: not 503 or 429, which refuse it); or the SDK retried it and
 * the retry found the work done: NoSuchUpload for a completed multipart upload, 412 for a
 * conditional write that found its own object. Not covered: an earlier attempt carried out,
 * then every retry refused with 503 — the error stands although the object may exist.
 */
function mayHaveLanded(error: unknown): boolean {
  if (!isS3Error(error) || error.code === "Aborted") return false;
  if (error.retryable && error.status !== 503 && error.status !== 429) return true;
  const retried = (error.attempts ?? 1) > 1;
  return retried && (error.code === "NoSuchUpload" || error instanceof PreconditionFailedError);
}

function bareEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/^"|"$/g, "").toLowerCase();
}

function sameMetadata(
  stored: Record<string, string> | undefined,
  sent: Record<string, string> | undefined,
): boolean {
  const a = Object.entries(stored ?? {});
  const b = new Map(Object.entries(sent ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  return a.length === b.size && a.every(([name, value]) => b.get(name.toLowerCase()) === value);
}

function isExpected(head: HeadObjectCommandOutput, expected: ExpectedObject): boolean {
  return (
    bareEtag(head.ETag) === bareEtag(expected.etag) &&
    (expected.contentType === undefined || head.ContentType === expected.contentType) &&
    sameMetadata(head.Metadata, expected.metadata)
  );
}

/**
 * After the commit of a write failed (PutObject, CompleteMultipartUpload, CopyObject): when
 * the failure may hide a success (see `mayHaveLanded`), reads the object at
 * the key and returns it if it is the one this write must have stored: same ETag, Content-Type
 * and metadata (tags are not compared). Undefined means the error stands: the failure cannot
 * hide a success, the expected ETag is unknown, the object differs, or the HeadObject failed.
 * Residual risk: an identical object (same bytes, Content-Type and metadata) written by
 * someone else between our attempts is taken for ours.
 */
export async function reconcile(
  context: ClientContext,
  target: Target & { bucket: string; key: string },
  error: unknown,
  expected: () => Promise<ExpectedObject | undefined>,
  signal?: AbortSignal,
): Promise<Written | undefined> {
  if (!mayHaveLanded(error)) return undefined;
  try {
    const wanted = await expected();
    if (wanted === undefined) return undefined;
    const { bucket: Bucket, key: Key } = target;
    const head = await request(
      context,
      { operation: "HeadObject", bucket: Bucket, key: Key },
      (client, http) => client.send(new HeadObjectCommand({ Bucket, Key }), http),
      signal,
    );
    if (!isExpected(head, wanted)) return undefined;
    log(
      context.logger,
      "warn",
      "s3kit write reconciled: its answer was lost, its object is there",
      {
        bucket: Bucket,
        key: Key,
        operation: target.operation,
        error: (error as Error).message,
        etag: head.ETag,
      },
    );
    return { etag: head.ETag, versionId: head.VersionId };
  } catch {
    return undefined;
  }
}

/**
 * Runs the commit of a write (`send`); when it fails, reconciles (see `reconcile`): the object
 * found, or the commit's error when that stands.
 */
export async function commit(
  context: ClientContext,
  target: Target & { bucket: string; key: string },
  send: () => Promise<Written>,
  expected: () => Promise<ExpectedObject | undefined>,
  signal?: AbortSignal,
): Promise<Written> {
  try {
    return await send();
  } catch (error) {
    const found = await reconcile(context, target, error, expected, signal);
    if (!found) throw error;
    return found;
  }
}

async function md5(context: ClientContext, data: Uint8Array): Promise<Uint8Array> {
  // The client's own MD5 (node:crypto on Node, a JS one elsewhere): no import of a Node
  // built-in here, and no dependency of our own.
  const hash = new context.client.config.md5();
  hash.update(data);
  return hash.digest();
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The ETag S3 gives a single-part upload of these bytes (a string is sent as UTF-8). */
async function singlePartEtag(context: ClientContext, body: Uint8Array | string): Promise<string> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return `"${hex(await md5(context, bytes))}"`;
}

const PLAIN_MD5 = /^"?[0-9a-f]{32}"?$/i;

/** Whether an ETag is the MD5 of the object's bytes: one part, no KMS/SSE-C encryption. */
export function isPlainMd5(etag: string | undefined): etag is string {
  return etag !== undefined && PLAIN_MD5.test(etag);
}

/**
 * The ETag S3 gives a multipart upload of parts with these ETags, in part-number order:
 * MD5 of the concatenated binary MD5s, "-" and the part count. Undefined when a part's ETag
 * is not an MD5 (SSE-KMS, SSE-C), since the result cannot be predicted then.
 */
async function multipartEtag(
  context: ClientContext,
  parts: ReadonlyArray<{ PartNumber?: number; ETag?: string }>,
): Promise<string | undefined> {
  const ordered = [...parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
  if (ordered.length === 0 || !ordered.every((part) => isPlainMd5(part.ETag))) return undefined;
  const digests = new Uint8Array(16 * ordered.length);
  ordered.forEach((part, index) => {
    const digest = bareEtag(part.ETag) ?? "";
    for (let byte = 0; byte < 16; byte++)
      digests[16 * index + byte] = Number.parseInt(digest.slice(2 * byte, 2 * byte + 2), 16);
  });
  return `"${hex(await md5(context, digests))}-${ordered.length}"`;
}

/** The headers a write sent that its object must carry. */
interface SentHeaders {
  ContentType?: string;
  Metadata?: Record<string, string>;
}

/** What a single-part write (PutObject) of `body` with these headers stores. */
export function singlePart(
  context: ClientContext,
  body: Uint8Array | string,
  sent: SentHeaders,
): () => Promise<ExpectedObject> {
  return async () => ({
    etag: await singlePartEtag(context, body),
    contentType: sent.ContentType,
    metadata: sent.Metadata,
  });
}

/** What a multipart upload completed with these parts, created with these headers, stores. */
export function multipart(
  context: ClientContext,
  parts: ReadonlyArray<{ PartNumber?: number; ETag?: string }>,
  sent: SentHeaders,
): () => Promise<ExpectedObject | undefined> {
  return async () => {
    const etag = await multipartEtag(context, parts);
    if (etag === undefined) return undefined;
    return { etag, contentType: sent.ContentType, metadata: sent.Metadata };
  };
}

/**
 * Keeps the uploads a lost CreateMultipartUpload response left behind: not ours, initiated
 * within the time our Create call took. With our own upload listed, in server time:
 * [ours.Initiated − duration − margin, ours.Initiated]; without it (Create failed, or the
 * store does not list it), in our clock: [start − margin, end + margin].
 */
function strays(
  uploads: ListedUpload[],
  ours: string | undefined,
  call: { start: number; end: number },
): ListedUpload[] {
  const own = uploads.find((upload) => upload.UploadId === ours)?.Initiated?.getTime();
  const [from, to] =
    own === undefined
      ? [call.start - CLOCK_MARGIN_MS, call.end + CLOCK_MARGIN_MS]
      : [own - (call.end - call.start) - CLOCK_MARGIN_MS, own];
  return uploads.filter((upload) => {
    const initiated = upload.Initiated?.getTime();
    return (
      upload.UploadId !== ours && initiated !== undefined && initiated >= from && initiated <= to
    );
  });
}

/** Aborts the strays of a Create call; never throws, since the write's outcome matters more. */
async function abortStrays(
  context: ClientContext,
  target: { bucket: string; key: string },
  ours: string | undefined,
  call: { start: number; end: number },
): Promise<void> {
  const fields = { bucket: target.bucket, key: target.key, uploadId: ours };
  try {
    const aborted = await abortUploadsOfKey(context, target.bucket, target.key, (uploads) =>
      strays(uploads, ours, call),
    );
    if (aborted.length > 0) {
      log(context.logger, "warn", "s3kit aborted uploads left by a lost CreateMultipartUpload", {
        ...fields,
        aborted,
      });
    }
  } catch (error) {
    log(context.logger, "warn", "s3kit could not look for uploads left by a retried Create", {
      ...fields,
      error: (error as Error).message,
    });
  }
}

/**
 * Runs a CreateMultipartUpload (`create`, through `request`) so that no upload is left behind
 * by it: when its response may have been lost (the SDK retried it, or it failed transiently),
 * the earlier attempts may each have created an upload nobody knows the id of. The uploads of
 * exactly this key, not ours, initiated during our call (see `strays`) are then aborted.
 * Residual risk: another client's upload of the very same key initiated within that second or
 * so is aborted too (its parts then fail with NoSuchUpload); an attempt the server carries out
 * after we have stopped waiting for it is not found.
 */
export async function createUpload<
  T extends { UploadId?: string; $metadata?: { attempts?: number } },
>(
  context: ClientContext,
  target: { bucket: string; key: string },
  create: () => Promise<T>,
): Promise<T> {
  const start = Date.now();
  try {
    const created = await create();
    if ((created.$metadata?.attempts ?? 1) > 1)
      await abortStrays(context, target, created.UploadId, { start, end: Date.now() });
    return created;
  } catch (error) {
    const retried = isS3Error(error) && (error.retryable || (error.attempts ?? 1) > 1);
    if (retried && error.code !== "Aborted")
      await abortStrays(context, target, undefined, { start, end: Date.now() });
    throw error;
  }
}
