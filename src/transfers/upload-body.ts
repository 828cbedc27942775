import type { CompletedPart } from "@aws-sdk/client-s3";
import { abortError } from "../client/abort-error.js";
import type { Target } from "../client/context.js";
import { MAX_PARTS } from "../common/limits.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import type { OpenedSource } from "./sources/opened-source.js";
import type { UploadRequests } from "./upload-requests.js";

/** How uploadBody cuts and sends a source. */
export interface BodySettings {
  /** The part size, already fitted to a known size (fitPartSize). */
  partSize: number;
  /** Parts in flight at most. */
  concurrency: number;
  target: Target & { bucket: string; key: string };
}

/**
 * Sends an opened source through `requests`. A source of at most one part (a known size up to
 * `partSize`, or a stream that ends within its first part, an empty one included) goes in one
 * PutObject; any other in a multipart upload: CreateMultipartUpload (while the first part is
 * read), the parts 1…n with at most `concurrency` of them in flight while the next one is read
 * (memory: about concurrency + 1 parts), then CompleteMultipartUpload with the parts in order.
 * Once `requests.signal` aborts (the caller's abort, or a request that failed) it stops
 * reading and sending at once and rejects: the caller settles the requests sent and cleans up.
 * @throws S3OperationError "TooLarge" when a stream needs a part beyond S3's 10,000, before
 * that part is sent.
 */
export async function uploadBody(
  requests: UploadRequests,
  source: OpenedSource,
  settings: BodySettings,
): Promise<void> {
  const parts = source.parts(settings.partSize)[Symbol.asyncIterator]();
  const { signal } = requests;
  const { size } = source;
  if (size !== undefined && size > settings.partSize)
    return sendParts(requests, parts, [], settings);
  const first = await nextPart(parts, signal);
  if (first === undefined) return requests.putSingle(new Uint8Array(0));
  // A stream is one part only if it ends there; a known size says so already.
  const second = size === undefined ? await nextPart(parts, signal) : undefined;
  if (second === undefined) return requests.putSingle(first);
  return sendParts(requests, parts, [first, second], settings);
}

/** A multipart upload of the parts `read` already, then of the rest of `parts`. */
async function sendParts(
  requests: UploadRequests,
  parts: AsyncIterator<Uint8Array>,
  read: Uint8Array[],
  settings: BodySettings,
): Promise<void> {
  const created = requests.create();
  // Its failure aborts the requests' signal, which stops the parts; they fail with it.
  created.catch(() => {});
  const run = { created, halted: false };
  let done: CompletedPart[];
  try {
    done = await uploadParts(requests, run, parts, read, settings);
  } catch (error) {
    // A source that fails while the Create is on the wire: with its answer, cleanup() aborts
    // the upload by its UploadId, where a cancelled Create leaves only a search for what it
    // may have made (see createUpload). No part waiting for it goes; an abort cancels it.
    run.halted = true;
    await created.catch(() => {});
    throw error;
  }
  await requests.complete(done);
}

/**
 * UploadPart of each part once the upload is created, at most `concurrency` at once, none once
 * the run is halted; returns the parts sent.
 */
async function uploadParts(
  requests: UploadRequests,
  run: { created: Promise<string>; halted: boolean },
  parts: AsyncIterator<Uint8Array>,
  read: Uint8Array[],
  settings: BodySettings,
): Promise<CompletedPart[]> {
  const { signal } = requests;
  const done: CompletedPart[] = [];
  const running = new Set<Promise<void>>();
  let failed: { error: unknown } | undefined;
  for (let number = 1; ; number++) {
    const body = read.shift() ?? (await nextPart(parts, signal));
    if (body === undefined) break;
    if (number > MAX_PARTS) throw tooManyParts(settings);
    // The next part is read while `concurrency` parts are in flight, then waits for a slot.
    while (running.size >= settings.concurrency) await Promise.race(running);
    if (failed) throw failed.error;
    if (signal.aborted) throw abortError(signal);
    const sent = run.created
      .then(async () => (run.halted ? undefined : requests.part(number, body)))
      .then(
        (part) => {
          if (part) done.push(part);
        },
        (error: unknown) => {
          failed ??= { error };
        },
      );
    running.add(sent);
    void sent.then(() => running.delete(sent));
  }
  await Promise.all(running);
  if (failed) throw failed.error;
  return done;
}

/**
 * The next part, undefined after the last. Rejects as soon as `signal` aborts, leaving a read
 * in progress behind (the source's release ends it; its failure is then nobody's).
 */
async function nextPart(
  parts: AsyncIterator<Uint8Array>,
  signal: AbortSignal,
): Promise<Uint8Array | undefined> {
  if (signal.aborted) throw abortError(signal);
  const reading = parts.next();
  reading.catch(() => {});
  const result = await new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    void reading.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
  return result.done ? undefined : result.value;
}

function tooManyParts({ partSize, target }: BodySettings): S3OperationError {
  return new S3OperationError(
    `upload s3://${target.bucket}/${target.key}: the source is longer than ${MAX_PARTS} parts of ${partSize} bytes, the most one upload may have; pass a larger partSize`,
    { code: "TooLarge", bucket: target.bucket, key: target.key, operation: "upload" },
  );
}
