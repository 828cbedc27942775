import { HeadObjectCommand, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import { AttemptLog } from "../client/attempt-log.js";
import type { ClientContext, Target } from "../client/context.js";
import { send } from "../client/context.js";
import { log } from "../client/logger.js";
import { RetryBudget } from "../client/retry-budget.js";
import { isS3Error } from "../errors/s3-error.js";
import { digestOf, type ExpectedObject } from "./expected-object.js";

// A request can be carried out by the server while its response is lost; the SDK then retries
// it. For the requests that are not idempotent that retry answers the opposite of what
// happened, or does it twice. s3kit answers both, each deciding from the request's
// AttemptLog whether some attempt may have been carried out unseen:
// - a write whose commit failed that way, or was answered with no S3 answer, is reconciled:
//   the object at the key is read (HeadObject) and the write counts as done when that object
//   is the one it must have produced (see expected-object.ts), written during the call
//   (`commit` in commit.ts, `reconcile` here);
// - a CreateMultipartUpload whose attempt may have created an upload we never heard of has
//   that upload found and aborted (`createUpload` in create-upload.ts).

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
export const SECOND = 1000;

/** The start of the second holding `time`: what S3 shows of a time it cuts to the second. */
export function floorToSecond(time: number): number {
  return Math.floor(time / SECOND) * SECOND;
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
    const head = await send(
      context,
      { operation: "HeadObject", bucket: Bucket, key: Key },
      new HeadObjectCommand({ Bucket, Key }),
      {
        attempts: heard,
        signal: AbortSignal.timeout(deadline),
        budget: new RetryBudget(attempts),
      },
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
