import { abortError } from "../client/abort-error.js";
import { failure, type Target } from "../client/context.js";
import { HeldBody } from "../client/lean/held-body.js";
import { log } from "../client/logger.js";
import { retryDelayFor } from "../client/retry-policy.js";
import { timeoutError } from "../client/timeout-error.js";
import type { AskedBytes } from "../common/checks.js";
import { isS3Error } from "../errors/s3-error.js";
import { isTransientError } from "../errors/transient.js";
import { BodyInterrupted } from "./body-interrupted.js";
import { checkPinned } from "./check-pinned.js";
import type { ChunkSource } from "./chunk-source.js";
import { headRaw } from "./head-object.js";
import type { Opened, ReadRequests } from "./read-requests.js";
import type { ReadPlan } from "./resolve-stream-options.js";
import { badSpan, checkMaxLength, type Span, sizeOf, spanOf, tooLarge } from "./span-of.js";

/** Waits for the next chunk, destroying the body if none comes within `timeout` ms. */
async function nextChunk(
  body: ChunkSource,
  iterator: AsyncIterator<Uint8Array>,
  timeout: number,
): Promise<IteratorResult<Uint8Array>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const next = iterator.next();
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = timeoutError(`no data for ${timeout} ms`);
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
 * Progress that earns a resume a fresh budget: what the connection that broke brought, at
 * least this many bytes or the rest of the body. A link that breaks every few hundred KiB
 * still completes the read; a store that sends a few bytes per connection and breaks costs
 * at most `maxRetries` resumes, not one per chunk.
 */
const PROGRESS = 64 * 1024;

/**
 * The object size a 416 answer gives: its `Content-Range: bytes *\/N` (RFC 9110), else the
 * ActualObjectSize of the error body (S3, MinIO); undefined for any other error.
 */
function unsatisfiableSize(error: unknown): number | undefined {
  if (!isS3Error(error) || error.status !== 416) return undefined;
  const cause = error.cause as {
    $response?: { headers?: Record<string, string | undefined> };
    ActualObjectSize?: unknown;
  };
  const header = /^bytes \*\/(\d+)$/.exec(cause?.$response?.headers?.["content-range"] ?? "");
  const size = header?.[1] ?? cause?.ActualObjectSize;
  return typeof size === "string" && /^\d+$/.test(size) ? Number(size) : undefined;
}

/**
 * The body of an open read, resuming itself: after a transient failure (reset, socket hang
 * up, premature end, stall) it asks for the rest with a ranged GET pinned to the first
 * response's ETag and version, checks that the answer is that object and exactly those
 * bytes, and carries on. No chunk goes beyond the bytes expected.
 *
 * Budget: the first resume gets `maxRetries` requests, and so does, at once, each resume
 * whose broken connection brought PROGRESS (64 KiB, or the rest of the body); a resume after
 * a connection that brought less spends what is left of the same budget, waiting the
 * policy's delay first.
 */
export class ResumingBody {
  readonly etag: string | undefined;
  readonly versionId: string | undefined;
  readonly start: number;
  /** Bytes to deliver; learnt from a resume when the first response did not say. */
  length: number | undefined;
  size: number | undefined;
  #current: ChunkSource;
  #iterator: AsyncIterator<Uint8Array>;
  #received = 0;
  /** `#received` when the current connection's body began; undefined for the first one. */
  #openedAt: number | undefined;
  /** Set by destroy(): the reader is gone, and a body that then ends is not resumed. */
  #destroyed = false;
  /** The first response's body when it came whole (see HeldBody). */
  readonly #held: Uint8Array | undefined;

  constructor(
    readonly plan: ReadPlan,
    readonly requests: ReadRequests,
    first: Opened,
    span: Span,
  ) {
    this.etag = first.response.ETag;
    this.versionId = first.response.VersionId ?? plan.pin.versionId;
    this.start = span.start;
    this.length = span.length;
    this.size = span.total;
    this.#current = first.body;
    this.#iterator = first.body[Symbol.asyncIterator]();
    const body = first.response.Body as unknown;
    this.#held = body instanceof HeldBody ? body.bytes : undefined;
  }

  /**
   * The whole body at once, when the first response brought all of it (see HeldBody): no
   * chunk to wait for, nothing to resume; the read is then over. Undefined when it is to be
   * read as chunks.
   */
  whole(): Uint8Array | undefined {
    const held = this.#held;
    if (held === undefined || this.#received > 0 || held.length !== this.length) return undefined;
    const bytes = this.#accept(held);
    this.destroy();
    return bytes;
  }

  /**
   * Frees the current response's connection, for good: the read resumes no more, and a resume
   * under way is cancelled (its GET, its retries).
   */
  destroy(): void {
    this.#destroyed = true;
    this.#current.destroy();
    this.requests.stop();
  }

  async *chunks(): AsyncGenerator<Uint8Array> {
    const { scope, Key, signal, idleTimeout } = this.plan;
    const target: Target = { operation: "GetObject", bucket: scope.bucketName, key: Key };
    try {
      for (;;) {
        let reason: unknown;
        try {
          const result = await nextChunk(this.#current, this.#iterator, idleTimeout);
          if (!result.done) {
            yield this.#accept(result.value);
            continue;
          }
          // Without a length, a body that ended cleanly is the whole object. A destroyed read
          // ends too: the reader left, resuming would only open a connection nobody reads.
          if (this.length === undefined || this.#received === this.length) return;
          if (this.#destroyed) return;
          reason = new Error(`premature end after ${this.#received} of ${this.length} bytes`);
        } catch (error) {
          if (this.#destroyed && !signal?.aborted) return;
          if (signal?.aborted || !(error instanceof BodyInterrupted)) {
            // (an abort surfaces as the body's error; report it as the abort it is)
            throw failure(scope.context, signal?.aborted ? abortError(signal) : error, target);
          }
          if (this.#received === this.length) return; // every byte arrived; only the close failed
          reason = error.reason;
        }
        const chunk = await this.#resume(reason);
        if (chunk === undefined) return; // the object ended where the body broke
        yield this.#accept(chunk);
      }
    } finally {
      this.destroy();
    }
  }

  /** Counts a chunk against the bytes expected: more than that is never delivered. */
  #accept(chunk: Uint8Array): Uint8Array {
    const received = this.#received + chunk.length;
    if (this.length !== undefined && received > this.length) {
      const detail = `the server sent more than the ${this.length} bytes expected`;
      throw badSpan(this.plan, "LengthMismatch", detail);
    }
    if (received > (this.plan.maxLength ?? Number.POSITIVE_INFINITY)) {
      throw tooLarge(this.plan, `more than ${this.plan.maxLength}`);
    }
    this.#received = received;
    return chunk;
  }

  /**
   * Whether the connection that broke earns the resume a fresh budget (see PROGRESS); the
   * first resume always gets one.
   */
  #progressed(): boolean {
    if (this.#openedAt === undefined) return true;
    const rest = this.length === undefined ? PROGRESS : this.length - this.#openedAt;
    return this.#received - this.#openedAt >= Math.min(PROGRESS, rest);
  }

  /** Asks for the rest; its first chunk, or undefined when the object ends at the break. */
  async #resume(reason: unknown): Promise<Uint8Array | undefined> {
    const { scope, Key } = this.plan;
    const { policy, logger } = scope.context;
    const target: Target = { operation: "GetObject", bucket: scope.bucketName, key: Key };
    this.#current.destroy();
    if ((this.etag === undefined && this.versionId === undefined) || policy.maxRetries === 0) {
      // Without an ETag or version to pin to, resuming could splice two versions: refuse.
      throw failure(scope.context, reason, target);
    }
    // A resume is itself a retry: maxRetries requests, refilled only by progress.
    let delay = 0;
    if (this.#progressed()) {
      this.requests.refill(policy.maxRetries);
    } else if (this.requests.budget.left === 0) {
      throw failure(scope.context, reason, target);
    } else {
      delay = retryDelayFor(policy, this.requests.budget.used);
    }
    log(logger, "warn", "s3kit resume", {
      bucket: scope.bucketName,
      key: Key,
      offset: this.start + this.#received,
      delay,
      error: (reason as Error)?.message,
    });
    return this.requests.withinBudget(() => this.#reopen(), "s3kit resume", delay);
  }

  /**
   * One resume attempt: a pinned ranged GET of the rest that must deliver at least one byte.
   * Undefined when the store answers that the object ends right there (see #endsAt).
   */
  async #reopen(): Promise<Uint8Array | undefined> {
    if (this.#destroyed) return undefined;
    const { etag, versionId, start, length } = this;
    const asked: AskedBytes = {
      start: start + this.#received,
      end: length === undefined ? undefined : start + length - 1,
    };
    let resumed: Opened;
    try {
      resumed = await this.requests.get(asked, { ifMatch: etag, versionId });
    } catch (error) {
      if (length === undefined && unsatisfiableSize(error) === asked.start) {
        await this.#endsAt(asked.start);
        return undefined;
      }
      throw error;
    }
    if (this.#destroyed) {
      // Destroyed while the resume was under way: free its connection at once.
      resumed.body.destroy();
      return undefined;
    }
    this.#current = resumed.body;
    this.#iterator = resumed.body[Symbol.asyncIterator]();
    this.#openedAt = this.#received;
    try {
      const { ETag, VersionId } = resumed.response;
      const { scope, Key, operation } = this.plan;
      checkPinned(
        { etag, versionId, size: this.size },
        { etag: ETag, versionId: VersionId, size: sizeOf(resumed.response) },
        { operation, bucket: scope.bucketName, key: Key },
      );
      const span = spanOf(this.plan, resumed.response, asked);
      // A whole object that came without Content-Length: the resume tells its size.
      this.size ??= span.total;
      this.length ??= span.total;
      checkMaxLength(this.plan, this.length);
    } catch (error) {
      this.#current.destroy();
      throw error;
    }
    const result = await nextChunk(this.#current, this.#iterator, this.plan.idleTimeout);
    if (result.done || result.value.length === 0) {
      throw new BodyInterrupted(new Error("resumed body ended without data"));
    }
    return result.value;
  }

  /**
   * A body of unknown length broke after its last byte (before the chunked terminator): the
   * resume got 416, the object being exactly `size` bytes. That ends the read only if the
   * object is still the pinned one (a store may ignore If-Match): a pinned HEAD must say so.
   */
  async #endsAt(size: number): Promise<void> {
    const { scope, Key, operation, signal, customerKey } = this.plan;
    const { etag, versionId } = this;
    const head = await headRaw(scope, Key, { ifMatch: etag, versionId, signal, customerKey });
    checkPinned(
      { etag, versionId, size },
      { etag: head.ETag, versionId: head.VersionId, size: head.ContentLength },
      { operation, bucket: scope.bucketName, key: Key },
    );
    this.length = size;
    this.size ??= size;
  }
}
