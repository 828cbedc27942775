import { AttemptLog, type ClockOffset } from "../client/attempt-log.js";
import type { ClientContext } from "../client/context.js";
import { log } from "../client/logger.js";
import type { ListedUpload } from "../listing/list-uploads.js";
import { invalidResponse } from "./invalid-response.js";
import { abortUploadsOfKey } from "./multipart.js";
import { floorToSecond, SECOND } from "./reconcile.js";

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
