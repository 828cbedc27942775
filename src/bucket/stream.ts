import { Readable } from "node:stream";
import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";
import pRetry from "p-retry";
import { abortError, failure, type Target } from "../client/context.js";
import { log } from "../client/logger.js";
import { pRetryOptions } from "../client/retry-policy.js";
import { PreconditionFailedError } from "../errors/precondition-failed-error.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { isTransientError } from "../errors/transient.js";
import { ValidationError } from "../errors/validation-error.js";
import { fullKey } from "../prefix/keys.js";
import { type ByteRange, getRaw, rangeHeader } from "./get-object.js";
import type { Scope } from "./scope.js";

/** Options of `stream()`. */
export interface StreamOptions {
  /** Only these bytes of the object. */
  range?: ByteRange;
  /** Fail with PreconditionFailedError unless the object has this ETag. */
  ifMatch?: string;
  versionId?: string;
  signal?: AbortSignal;
  /**
   * Milliseconds without a byte from S3 (while the consumer is waiting for data) before the
   * connection counts as stalled and the read resumes on a new one. Default 30000.
   */
  idleTimeout?: number;
}

/** An open, self-resuming object body and what the first response said about the object. */
export interface ObjectStream {
  body: Readable;
  /** The ETag every resumed request is pinned to. */
  etag: string | undefined;
  versionId: string | undefined;
  /** Bytes this stream delivers: the range's length, or the object's size. */
  length: number;
  /** Size of the whole object. */
  size: number;
}

const DEFAULT_IDLE_TIMEOUT = 30_000;

/** A body that broke off (reset, premature end, stall): the only failure a resume may cure. */
class BodyInterrupted extends Error {
  constructor(readonly reason: unknown) {
    super(`body interrupted: ${(reason as Error)?.message ?? reason}`, { cause: reason });
  }
}

/** "bytes 100-199/1000" → { start: 100, total: 1000 }. */
function parseContentRange(
  header: string | undefined,
): { start: number; total: number | undefined } | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header ?? "");
  if (!match) return undefined;
  return { start: Number(match[1]), total: match[2] === "*" ? undefined : Number(match[2]) };
}

function asReadable(body: GetObjectCommandOutput["Body"]): Readable {
  if (body instanceof Readable) return body;
  // No body at all: an empty object.
  return Readable.from([]);
}

/** Waits for the next chunk, destroying the body if none comes within `timeout` ms. */
async function nextChunk(
  body: Readable,
  iterator: AsyncIterator<Uint8Array>,
  timeout: number,
): Promise<IteratorResult<Uint8Array>> {
  let timer: NodeJS.Timeout | undefined;
  const next = iterator.next();
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`no data for ${timeout} ms`);
      error.name = "TimeoutError";
      reject(error);
      body.destroy(error);
    }, timeout);
  });
  next.catch(() => {}); // its rejection after a stall is expected and handled by the race
  try {
    return await Promise.race([next, stalled]);
  } catch (error) {
    throw isTransientError(error) ? new BodyInterrupted(error) : error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens a full key as a Readable that resumes itself: after a transient failure of the body
 * (reset, socket hang up, premature end, stall) it re-requests `Range: bytes=<next>-` with
 * `If-Match: <etag>` (and the version id when known), checks that the answer really is that
 * range of the same object (some stores ignore If-Match or Range), and carries on. Each resume
 * episode may use `maxRetries` attempts that bring no byte; progress starts a new budget.
 * @throws ObjectNotFoundError, BucketNotFoundError, PreconditionFailedError, AccessDeniedError,
 * S3OperationError at the await; the body emits PreconditionFailedError when the object changed
 * and S3OperationError when the budget is spent.
 */
export async function openObjectStream(
  scope: Scope,
  Key: string,
  options: StreamOptions & { operation?: string },
): Promise<ObjectStream> {
  const operation = options.operation ?? "stream";
  const idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
  // setTimeout fires at once for delays above 2^31-1 ms, which would make every chunk a stall.
  if (!Number.isFinite(idleTimeout) || idleTimeout <= 0 || idleTimeout > 2_147_483_647) {
    throw new ValidationError(`${operation}: idleTimeout must be a positive number of ms`, {
      operation,
    });
  }
  const Range = rangeHeader(options.range, operation);
  const target: Target = { operation: "GetObject", bucket: scope.bucketName, key: Key };
  const first = await getRaw(scope, Key, { ...options, rangeHeader: Range });
  const firstBody = first.Body;
  const contentRange = parseContentRange(first.ContentRange);
  if (Range && !contentRange) {
    asReadable(firstBody).destroy();
    throw new S3OperationError(
      `GetObject s3://${scope.bucketName}/${Key}: the server ignored the Range header`,
      { code: "RangeIgnored", bucket: scope.bucketName, key: Key, operation: "GetObject" },
    );
  }
  const start = contentRange?.start ?? 0;
  const length = first.ContentLength ?? 0;
  const size = contentRange?.total ?? length;
  const etag = first.ETag;
  const versionId = first.VersionId ?? options.versionId;
  const { policy, logger } = scope.context;

  let current = asReadable(firstBody);
  let iterator: AsyncIterator<Uint8Array> = current[Symbol.asyncIterator]();
  let received = 0;

  /** Requests spent in the current resume episode, the SDK's own retries included. */
  let spent = 0;

  /** One resume attempt: a pinned ranged GET that must deliver at least one byte. */
  const reopen = async (): Promise<Uint8Array> => {
    const offset = start + received;
    const resumed = await getRaw(scope, Key, {
      rangeHeader: `bytes=${offset}-${start + length - 1}`,
      ifMatch: etag,
      versionId,
      signal: options.signal,
    });
    // Attempts the SDK needed for this request come out of the same budget: the two retry
    // layers share it instead of multiplying.
    spent += resumed.$metadata.attempts ?? 1;
    current = asReadable(resumed.Body);
    iterator = current[Symbol.asyncIterator]();
    const range = parseContentRange(resumed.ContentRange);
    const changed = etag !== undefined && resumed.ETag !== etag;
    if (changed || (range?.total !== undefined && range.total !== size)) {
      current.destroy();
      throw new PreconditionFailedError(
        `${operation} s3://${scope.bucketName}/${Key}: the object changed while it was being read (ETag ${etag} → ${resumed.ETag}); no bytes of the new version were delivered`,
        {
          code: "PreconditionFailed",
          status: 412,
          bucket: scope.bucketName,
          key: Key,
          operation: "GetObject",
        },
      );
    }
    if (range?.start !== offset) {
      current.destroy();
      throw new S3OperationError(
        `GetObject s3://${scope.bucketName}/${Key}: asked to resume at byte ${offset}, the server answered ${resumed.ContentRange ?? "the whole object"}`,
        { code: "RangeIgnored", bucket: scope.bucketName, key: Key, operation: "GetObject" },
      );
    }
    const result = await nextChunk(current, iterator, idleTimeout);
    if (result.done || result.value.length === 0) {
      throw new BodyInterrupted(new Error("resumed body ended without data"));
    }
    return result.value;
  };

  const resume = async (reason: unknown): Promise<Uint8Array> => {
    current.destroy();
    if (etag === undefined && versionId === undefined) {
      // Without an ETag or version to pin to, resuming could splice two versions: refuse.
      throw failure(scope.context, reason, target);
    }
    if (policy.maxRetries === 0) throw failure(scope.context, reason, target);
    spent = 0;
    log(logger, "warn", "s3kit resume", {
      bucket: scope.bucketName,
      key: Key,
      offset: start + received,
      error: (reason as Error)?.message,
    });
    try {
      return await pRetry(
        reopen,
        pRetryOptions(policy, {
          retries: policy.maxRetries,
          signal: options.signal,
          retryIf: (error) => error instanceof BodyInterrupted && spent < policy.maxRetries,
          onRetry: (error, attempt) =>
            log(logger, "warn", "s3kit resume", {
              bucket: scope.bucketName,
              key: Key,
              offset: start + received,
              attempt: attempt + 1,
              error: (error as Error)?.message,
            }),
        }),
      );
    } catch (error) {
      throw failure(scope.context, error instanceof BodyInterrupted ? error.reason : error, target);
    }
  };

  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        let result: IteratorResult<Uint8Array>;
        try {
          result = await nextChunk(current, iterator, idleTimeout);
        } catch (error) {
          if (options.signal?.aborted || !(error instanceof BodyInterrupted)) {
            // (an abort surfaces as the body's error; report it as the abort it is)
            throw failure(
              scope.context,
              options.signal?.aborted ? abortError(options.signal) : error,
              target,
            );
          }
          if (received === length) return; // every byte arrived; only the close failed
          const chunk = await resume(error.reason);
          received += chunk.length;
          yield chunk;
          continue;
        }
        if (result.done) {
          if (received === length) return;
          const chunk = await resume(
            new Error(`premature end after ${received} of ${length} bytes`),
          );
          received += chunk.length;
          yield chunk;
          continue;
        }
        const chunk = result.value;
        if (received + chunk.length > length) {
          throw new S3OperationError(
            `GetObject s3://${scope.bucketName}/${Key}: the server sent more than the ${length} bytes announced`,
            { code: "LengthMismatch", bucket: scope.bucketName, key: Key, operation: "GetObject" },
          );
        }
        received += chunk.length;
        yield chunk;
      }
    } finally {
      current.destroy();
    }
  }

  const body = Readable.from(chunks(), { objectMode: false });
  // A generator that never started skips its finally on return(): a stream destroyed before
  // its first read would keep the response's socket. Closing the body always frees it.
  body.once("close", () => current.destroy());
  return {
    body,
    etag,
    versionId,
    length,
    size,
  };
}

/** See Scope.stream. */
export async function openStream(
  scope: Scope,
  key: string,
  options: StreamOptions = {},
): Promise<Readable> {
  const Key = fullKey(scope.path, key, "stream", scope.bucketName);
  const { body } = await openObjectStream(scope, Key, options);
  return body;
}
