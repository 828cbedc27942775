import { HeadObjectCommand, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import { AttemptLog, type ClockOffset } from "../client/attempt-log.js";
import { type ClientContext, request, type Target } from "../client/context.js";
import { log } from "../client/logger.js";
import { RetryBudget } from "../client/retry-budget.js";
import { isS3Error } from "../errors/s3-error.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import type { ListedUpload } from "../listing/uploads.js";
import { bareEtag } from "./get-object.js";
import { abortUploadsOfKey } from "./multipart.js";

// A request can be carried out by the server while its response is lost; the SDK then retries
// it. For the requests that are not idempotent that retry answers the opposite of what
// happened, or does it twice. This module holds s3kit's answer to both, each deciding from
// the request's AttemptLog whether some attempt may have been carried out unseen:
// - a write whose commit failed that way, or was answered with no S3 answer, is reconciled:
//   the object at the key is read (HeadObject) and the write counts as done when that object
//   is the one it must have produced, written during the call (`commit`, `reconcile`);
// - a CreateMultipartUpload whose attempt may have created an upload we never heard of has
//   that upload found and aborted (`createUpload`).

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

/** The attempts of a write's commit, and when the write began (local clock). */
export interface WriteCall {
  since: number;
  attempts: AttemptLog;
}

/**
 * How long the HeadObject that reconciles a write may take, and its attempts: a failure is
 * already on its way to the caller, so looking must not cost another full retry policy (four
 * attempts of up to requestTimeout each); after the caller's abort, less still. Not finding
 * out in time lets the write's error stand.
 */
const LOOK = { attempts: 2, deadline: 10_000 };
const LOOK_AFTER_ABORT = { attempts: 1, deadline: 2_000 };

/** Room for the second to which S3 gives Last-Modified and Initiated. */
const SECOND = 1000;

/** The start of the second holding `time`: what S3 shows of a time it cuts to the second. */
function floorToSecond(time: number): number {
  return Math.floor(time / SECOND) * SECOND;
}

/**
 * A success answer that is no usable S3 answer (no UploadId, no ETag): an empty body, or a
 * proxy's page standing in for the store's answer.
 */
function invalidResponse(target: Target & { bucket: string; key: string }, lack: string) {
  return new S3OperationError(
    `${target.operation} s3://${target.bucket}/${target.key}: the answer had no ${lack}; it is not an S3 answer (a proxy's page, or an empty body?)`,
    {
      code: "InvalidResponse",
      operation: target.operation,
      bucket: target.bucket,
      key: target.key,
    },
  );
}

/** An ETag as a comparable hex digest: quotes aside, case aside (stores differ in the case of hex). */
function digestOf(etag: string | undefined): string | undefined {
  return etag === undefined ? undefined : bareEtag(etag).toLowerCase();
}

/** A Content-Type as a comparable value: stores change its case and spacing (RFC 9110 allows both). */
function mediaType(type: string | undefined): string | undefined {
  return type?.toLowerCase().replace(/\s+/g, "");
}

function sameMetadata(
  stored: Record<string, string> | undefined,
  sent: Record<string, string> | undefined,
): boolean {
  // Header values lose their surrounding spaces on the way (RFC 9110, field values).
  const entries = (metadata: Record<string, string> | undefined) =>
    new Map(
      Object.entries(metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value.trim()]),
    );
  const a = entries(stored);
  const b = entries(sent);
  return a.size === b.size && [...a].every(([name, value]) => b.get(name) === value);
}

function isExpected(head: HeadObjectCommandOutput, expected: ExpectedObject): boolean {
  return (
    digestOf(head.ETag) === digestOf(expected.etag) &&
    (expected.contentType === undefined ||
      mediaType(head.ContentType) === mediaType(expected.contentType)) &&
    sameMetadata(head.Metadata, expected.metadata)
  );
}

/**
 * Whether the object was written during the call: its Last-Modified, cut to the second, is not
 * before the second in which the call began in the server's clock, placed by the HEAD's Date
 * header (so our clock need not agree): at the earliest `since + offset.min`, which is up to
 * the Date's cut (1 s) plus the HEAD's round trip before the true start. A multipart object's
 * Last-Modified is its upload's initiation (on AWS), which is after the call's start too.
 * A Date set by another clock than the one stamping Last-Modified (a reverse proxy's, such as
 * nginx's) moves the bound by that clock's skew: ahead, the check is stricter (our own object
 * can be refused: the error stands); behind, laxer. No Date header: refused.
 */
function writtenSince(head: HeadObjectCommandOutput, heard: AttemptLog, since: number): boolean {
  const offset = heard.clockOffset();
  const modified = head.LastModified?.getTime();
  if (offset === undefined || modified === undefined || Number.isNaN(modified)) return false;
  return modified >= floorToSecond(since + offset.min);
}

/**
 * After the commit of a write failed (PutObject, CompleteMultipartUpload, CopyObject), or was
 * answered with no ETag: when some attempt of it may have been carried out unseen (see
 * AttemptLog: no answer, an abort once sent, a gateway's 5xx, a success status with no S3
 * answer, a CompleteMultipartUpload's InternalError; the store's own 4xx, 500 or 503 to
 * anything else says it was not), reads the object at the key and
 * returns it if it is the one this write must have stored: same ETag, Content-Type (case and
 * spacing aside) and metadata (values trimmed), with a Last-Modified not before the second the
 * call began (see `writtenSince`); tags are not compared. Undefined means the error stands: no
 * attempt may have landed, the expected ETag is unknown, the object differs, or the HeadObject
 * failed. The HeadObject takes no abort signal: an abort cannot undo a write that landed, and
 * only the HEAD can tell whether it did.
 * Residual risk: an identical object (same bytes, Content-Type and metadata) written by someone
 * else during the call, or shortly before it (in the same second as the call's start in the
 * server's clock, or the second before it when the HEAD's Date places the start early: at most
 * about 2 s plus the HEAD's round trip), is taken for ours; so two callers writing the same
 * bytes with `ifNoneMatch: "*"` (or the same `ifMatch`) within that window can both be told
 * they wrote it.
 */
export async function reconcile(
  context: ClientContext,
  target: Target & { bucket: string; key: string },
  error: unknown,
  call: WriteCall,
  expected: () => Promise<ExpectedObject | undefined>,
): Promise<Written | undefined> {
  if (!call.attempts.mayHaveLanded) return undefined;
  try {
    const wanted = await expected();
    if (wanted === undefined) return undefined;
    const { bucket: Bucket, key: Key } = target;
    const heard = new AttemptLog();
    const { attempts, deadline } =
      isS3Error(error) && error.code === "Aborted" ? LOOK_AFTER_ABORT : LOOK;
    const head = await request(
      context,
      { operation: "HeadObject", bucket: Bucket, key: Key },
      (client, http) => heard.on(client).send(new HeadObjectCommand({ Bucket, Key }), http),
      AbortSignal.timeout(deadline),
      new RetryBudget(attempts),
    );
    if (!isExpected(head, wanted) || !writtenSince(head, heard, call.since)) return undefined;
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
 * A signal that aborts `grace` ms after `signal` did, with its reason; `end()` lets go of
 * `signal` and of the timer.
 */
function afterGrace(signal: AbortSignal, grace: number): { signal: AbortSignal; end: () => void } {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => {
    timer = setTimeout(() => controller.abort(signal.reason), grace);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  const end = () => {
    signal.removeEventListener("abort", onAbort);
    clearTimeout(timer);
  };
  return { signal: controller.signal, end };
}

/**
 * Runs the commit of a write (`send`, whose request must go through `attempts.on(client)` and
 * carry the signal it is given); when it fails, or succeeds with no ETag (no S3 answer:
 * S3OperationError "InvalidResponse"), reconciles (see `reconcile`): the object found, or the
 * error when that stands. No attempt of it starts once `signal` aborted (see AttemptLog), and
 * the one on the wire is cancelled: at once, or with a `grace` (ms), once that has passed,
 * for a commit that should run to its answer (a CompleteMultipartUpload: once sent it may
 * create the object, and only its answer says so). Cancelled once sent, it is reconciled
 * too: the object, if it is ours, else the abort. `since`: when the write began (default
 * now); a multipart write's began before its CreateMultipartUpload.
 */
export async function commit(
  context: ClientContext,
  target: Target & { bucket: string; key: string },
  send: (attempts: AttemptLog, signal: AbortSignal | undefined) => Promise<Written>,
  expected: () => Promise<ExpectedObject | undefined>,
  options: { since?: number; signal?: AbortSignal | undefined; grace?: number } = {},
): Promise<Written> {
  const { signal, grace } = options;
  const call = { since: options.since ?? Date.now(), attempts: new AttemptLog(signal) };
  const graced = signal && grace !== undefined ? afterGrace(signal, grace) : undefined;
  let error: unknown;
  try {
    const written = await send(call.attempts, graced?.signal ?? signal);
    if (written.etag) return written;
    call.attempts.answerUnusable();
    error = invalidResponse(target, "ETag");
  } catch (failed) {
    error = failed;
  } finally {
    graced?.end();
  }
  const found = await reconcile(context, target, error, call, expected);
  if (!found) throw error;
  return found;
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
    const digest = digestOf(part.ETag) ?? "";
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

/** The local times a call ran between. */
interface Span {
  start: number;
  end: number;
}

/**
 * When a Create call's attempts were carried out, in the store's clock (Initiated's):
 * - with our own upload in the listing, around its Initiated: the other attempts ran at most
 *   the call's duration before it (a second more, as S3 cuts Initiated to the second), and not
 *   after it (a second of room);
 * - else through the listing's Date header (see AttemptLog.clockOffset), from the second the
 *   call began to its end. A Date from another clock (a reverse proxy such as nginx sets its
 *   own) shifts this window by that clock's skew;
 * - else (no Date header either) undefined.
 */
function callWindow(
  uploads: ListedUpload[],
  ours: string | undefined,
  call: Span,
  offset: ClockOffset | undefined,
): { from: number; to: number } | undefined {
  const own = uploads.find((upload) => upload.UploadId === ours)?.Initiated?.getTime();
  if (own !== undefined && !Number.isNaN(own))
    return { from: own - (call.end - call.start) - SECOND, to: own + SECOND };
  if (offset === undefined) return undefined;
  return { from: floorToSecond(call.start + offset.min), to: call.end + offset.max };
}

/** Picks the uploads a Create call's unseen attempts may have made: not ours, initiated during the call. */
function strays(
  uploads: ListedUpload[],
  ours: string | undefined,
  call: Span,
  offset: ClockOffset | undefined,
): ListedUpload[] {
  const window = callWindow(uploads, ours, call, offset);
  if (window === undefined)
    throw new Error(
      "neither our own upload nor a Date header places the call in the store's clock",
    );
  return uploads.filter((upload) => {
    const initiated = upload.Initiated?.getTime();
    return (
      upload.UploadId !== ours &&
      initiated !== undefined &&
      initiated >= window.from &&
      initiated <= window.to
    );
  });
}

/** Aborts the strays of a Create call; never throws, since the write's outcome matters more. */
async function abortStrays(
  context: ClientContext,
  target: { bucket: string; key: string },
  ours: string | undefined,
  call: Span,
): Promise<void> {
  const fields = { bucket: target.bucket, key: target.key, uploadId: ours };
  try {
    const aborted = await abortUploadsOfKey(context, target.bucket, target.key, (uploads, offset) =>
      strays(uploads, ours, call, offset),
    );
    if (aborted.length > 0) {
      log(context.logger, "warn", "s3kit aborted uploads left by a lost CreateMultipartUpload", {
        ...fields,
        aborted,
      });
    }
  } catch (error) {
    log(context.logger, "warn", "s3kit could not look for uploads left by a lost Create", {
      ...fields,
      error: (error as Error).message,
    });
  }
}

/**
 * Runs a CreateMultipartUpload (`create`, whose request must go through `attempts.on(client)`)
 * so that no upload is left behind by it. An answer without an UploadId is refused before any
 * part is sent (S3OperationError "InvalidResponse"): a part sent without one would be stored as
 * a whole object over the key. When some attempt may have created an upload we never heard of
 * (see AttemptLog: no answer, including one aborted once sent, a gateway's 5xx, a success
 * without an UploadId; not the store's own 503 or a 429, which refuse it), the uploads of
 * exactly this key, not ours, initiated during this Create call (in the store's clock, see
 * `callWindow`) are aborted, after the call succeeded, failed or was aborted.
 * Residual risk: another client's upload of the very same key initiated during our Create call
 * (or within a second of it) is aborted too (its parts then fail with NoSuchUpload); an attempt
 * the store carries out after the one that answered us, or after we stopped waiting for it and
 * after the listing, is not found.
 */
export async function createUpload<T extends { UploadId?: string }>(
  context: ClientContext,
  target: { bucket: string; key: string },
  create: (attempts: AttemptLog) => Promise<T>,
  signal?: AbortSignal,
): Promise<T & { UploadId: string }> {
  const attempts = new AttemptLog(signal);
  const start = Date.now();
  let ours: string | undefined;
  try {
    const created = await create(attempts);
    if (!created.UploadId) {
      attempts.answerUnusable();
      throw invalidResponse({ operation: "CreateMultipartUpload", ...target }, "UploadId");
    }
    ours = created.UploadId;
    return { ...created, UploadId: created.UploadId };
  } finally {
    if (attempts.mayHaveLanded)
      await abortStrays(context, target, ours, { start, end: Date.now() });
  }
}
