import { Readable } from "node:stream";
import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";
import pRetry from "p-retry";
import { abortError, failure, type Target, throwIfAborted } from "../client/context.js";
import { log } from "../client/logger.js";
import { RetryBudget } from "../client/retry-budget.js";
import { pRetryOptions, retryDelayFor, sleep } from "../client/retry-policy.js";
import type { AskedBytes } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { isS3Error } from "../errors/s3-error.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { isTransientError } from "../errors/transient.js";
import { checkPinned, type GetRequestOptions, getRaw, rangeHeader } from "./get-object.js";
import { headRaw } from "./head-object.js";
import {
  type OpenOptions,
  type ReadPlan,
  resolveStreamOptions,
  type StreamOptions,
} from "./resolve-stream-options.js";

export type { OpenOptions, StreamOptions } from "./resolve-stream-options.js";

/** An open, self-resuming object body and what the first response said about the object. */
export interface ObjectStream {
  body: Readable;
  /** The ETag every resumed request is pinned to. */
  etag: string | undefined;
  versionId: string | undefined;
  /**
   * Bytes this stream delivers: the range's length, or the object's size; undefined when the
   * server did not announce them (a whole object sent without Content-Length).
   */
  length: number | undefined;
  /** Size of the whole object, when known. */
  size: number | undefined;
}

/**
 * A body that broke off (reset, premature end, stall) or a response that did not come in
 * time: the only failures a new request may cure.
 */
class BodyInterrupted extends Error {
  constructor(readonly reason: unknown) {
    super(`body interrupted: ${(reason as Error)?.message ?? reason}`, { cause: reason });
  }
}

/** What a response delivers: `length` bytes from `start` of a `total`-byte object, if known. */
interface Span {
  start: number;
  length: number | undefined;
  total: number | undefined;
}

/** "bytes 100-199/1000" → { start: 100, end: 199, total: 1000 }. */
function parseContentRange(
  header: string | undefined,
): { start: number; end: number; total: number | undefined } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header ?? "");
  if (!match) return undefined;
  const total = match[3] === "*" ? undefined : Number(match[3]);
  return { start: Number(match[1]), end: Number(match[2]), total };
}

/** A response whose bytes are not the ones asked for ("LengthMismatch", "RangeIgnored"). */
function badSpan(plan: ReadPlan, code: string, detail: string): S3OperationError {
  const { scope, Key } = plan;
  return new S3OperationError(`GetObject s3://${scope.bucketName}/${Key}: ${detail}`, {
    code,
    bucket: scope.bucketName,
    key: Key,
    operation: "GetObject",
  });
}

/** A body longer than the reader can hold. */
function tooLarge(plan: ReadPlan, bytes: string): S3OperationError {
  const { scope, Key, operation, maxLength } = plan;
  return new S3OperationError(
    `${operation} s3://${scope.bucketName}/${Key}: the body is ${bytes} bytes, more than ${operation} can hold (${maxLength}); read it with stream() or download()`,
    { code: "TooLarge", bucket: scope.bucketName, key: Key, operation },
  );
}

/**
 * The last byte a ranged answer must end at: where asked, or the object's last byte when the
 * range runs past it (S3 clamps such a range); an open range of an object of unknown size may
 * end anywhere. Undefined when nothing can be checked: a whole object of unknown size.
 */
function lastByte(
  asked: AskedBytes | undefined,
  range: { end: number; total: number | undefined },
): number | undefined {
  if (range.total === undefined) return asked && (asked.end ?? range.end);
  return Math.min(asked?.end ?? Number.POSITIVE_INFINITY, range.total - 1);
}

/** Whether a response is a part of the object (a 206, or any answer with a Content-Range). */
function isPartial(response: GetObjectCommandOutput): boolean {
  return response.ContentRange !== undefined || response.$metadata?.httpStatusCode === 206;
}

/**
 * Whether the whole object, `size` bytes if known, is all that `asked` asks for: no Range, or
 * one from byte 0 reaching the object's end. A server may answer such a Range with a 200 and
 * the whole body (RFC 9110).
 */
function asksForAll(asked: AskedBytes | undefined, size: number | undefined): boolean {
  if (asked === undefined) return true;
  if (asked.start !== 0) return false;
  return asked.end === undefined || (size !== undefined && asked.end >= size - 1);
}

/** The object's size as a response tells it: a part's Content-Range total, a whole body's length. */
function sizeOf(response: GetObjectCommandOutput): number | undefined {
  if (!isPartial(response)) return response.ContentLength;
  return parseContentRange(response.ContentRange)?.total;
}

/**
 * What a response delivers, checked against what was asked (`asked` undefined: the whole
 * object, no Range). A whole object (a 200 without Content-Range) may answer only what asks
 * for all of it (see `asksForAll`), and may come without Content-Length (chunked). A ranged
 * answer must start where asked and end where `lastByte` says, and its Content-Length must
 * agree; answering for the whole object, it must be every byte of it, `bytes 0-(N-1)/N`.
 */
function spanOf(
  plan: ReadPlan,
  response: GetObjectCommandOutput,
  asked: AskedBytes | undefined,
): Span {
  const partial = isPartial(response);
  if (!partial && asksForAll(asked, response.ContentLength)) {
    return { start: 0, length: response.ContentLength, total: response.ContentLength };
  }
  const range = parseContentRange(response.ContentRange);
  const wanted = asked === undefined ? "the whole object" : rangeHeader(asked);
  const answer =
    response.ContentRange ?? (partial ? "a 206 without Content-Range" : "the whole object");
  const answered = `asked for ${wanted}, the server answered ${answer}`;
  if (range === undefined || range.start !== (asked?.start ?? 0)) {
    throw badSpan(plan, "RangeIgnored", answered);
  }
  const length = range.end - range.start + 1;
  if (range.end !== lastByte(asked, range) || (response.ContentLength ?? length) !== length) {
    const detail = `${answered} with Content-Length ${response.ContentLength}`;
    throw badSpan(plan, "LengthMismatch", detail);
  }
  return { start: range.start, length, total: range.total };
}

function asReadable(body: GetObjectCommandOutput["Body"]): Readable {
  if (body instanceof Readable) return body;
  // No body at all: an empty object.
  return Readable.from([]);
}

function timeoutError(message: string): Error {
  const error = new Error(message);
  error.name = "TimeoutError";
  return error;
}

/**
 * Sends a GET that must bring its response within `timeout` ms; otherwise it is cancelled
 * and fails as BodyInterrupted (a stall, like a body that stops). The caller's signal still
 * aborts it, and its body later: the link lasts until the body closes.
 */
async function timedGet(
  scope: ScopeRef,
  Key: string,
  options: GetRequestOptions,
  timeout: number,
): Promise<{ response: GetObjectCommandOutput; body: Readable }> {
  const controller = new AbortController();
  const caller = options.signal;
  const onAbort = () => controller.abort(caller?.reason);
  caller?.addEventListener("abort", onAbort, { once: true });
  if (caller?.aborted) onAbort();
  const timer = setTimeout(
    () => controller.abort(timeoutError(`no response within ${timeout} ms`)),
    timeout,
  );
  try {
    const response = await getRaw(scope, Key, { ...options, signal: controller.signal });
    const body = asReadable(response.Body);
    body.once("close", () => caller?.removeEventListener("abort", onAbort));
    return { response, body };
  } catch (error) {
    caller?.removeEventListener("abort", onAbort);
    if (controller.signal.aborted && !caller?.aborted) {
      throw new BodyInterrupted(controller.signal.reason);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
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

/** An answered GET: its response and its body as a Readable. */
type Opened = Awaited<ReturnType<typeof timedGet>>;

/**
 * Sends a read's GETs and keeps its retry budget: each episode (the first request; a resume,
 * or a run of resumes that brought little, see ResumingBody) may make a number of requests
 * that bring no byte, the SDK's own retries included: one RetryBudget per episode, spent by
 * both layers.
 */
class Requests {
  #budget = new RetryBudget(0);

  constructor(readonly plan: ReadPlan) {}

  /** Requests made and left in the current episode. */
  get budget(): { readonly used: number; readonly left: number } {
    return this.#budget;
  }

  /** Starts a new episode of `attempts` requests. */
  refill(attempts: number): void {
    this.#budget = new RetryBudget(attempts);
  }

  /** One GET of the bytes `asked` (all of them when undefined), with `pin`'s conditions. */
  get(asked: AskedBytes | undefined, pin: GetRequestOptions): Promise<Opened> {
    const { scope, Key, signal, idleTimeout } = this.plan;
    const rangeHeaderValue = asked && rangeHeader(asked);
    const options = { ...pin, rangeHeader: rangeHeaderValue, signal, budget: this.#budget };
    return timedGet(scope, Key, options, idleTimeout);
  }

  /**
   * After waiting `delay` ms, runs `attempt` again while it is interrupted and the episode's
   * requests are not all spent; a final failure becomes an S3Error.
   */
  async withinBudget<T>(attempt: () => Promise<T>, message: string, delay = 0): Promise<T> {
    const { scope, Key, signal } = this.plan;
    const { policy, logger } = scope.context;
    const target: Target = { operation: "GetObject", bucket: scope.bucketName, key: Key };
    try {
      if (delay > 0) await sleep(delay, signal);
      return await pRetry(
        attempt,
        pRetryOptions(policy, {
          retries: this.#budget.left,
          signal,
          budget: this.#budget,
          retryIf: (error) => error instanceof BodyInterrupted,
          onRetry: (error, retry) =>
            log(logger, "warn", message, {
              bucket: scope.bucketName,
              key: Key,
              attempt: retry + 1,
              error: (error as Error)?.message,
            }),
        }),
      );
    } catch (error) {
      // p-retry and sleep reject with the signal's bare reason: report it as the abort it is.
      throwIfAborted(scope.context, signal, target);
      throw failure(scope.context, error instanceof BodyInterrupted ? error.reason : error, target);
    }
  }
}

/** Refuses a body whose length, once known, is above the plan's `maxLength`. */
function checkMaxLength(plan: ReadPlan, length: number | undefined): void {
  if (plan.maxLength !== undefined && length !== undefined && length > plan.maxLength) {
    throw tooLarge(plan, String(length));
  }
}

/**
 * Checks the first response: the object `pin` names (a store may ignore If-Match), the
 * bytes asked for, and the plan's size limit. Destroys the body when it fails.
 */
function firstSpan(plan: ReadPlan, first: Opened): Span {
  const { scope, Key, operation, pin, asked } = plan;
  try {
    checkPinned(
      { etag: pin.ifMatch, versionId: pin.versionId },
      { etag: first.response.ETag, versionId: first.response.VersionId },
      { operation, bucket: scope.bucketName, key: Key },
    );
    const span = spanOf(plan, first.response, asked);
    checkMaxLength(plan, span.length);
    return span;
  } catch (error) {
    first.body.destroy();
    throw error;
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
class ResumingBody {
  readonly etag: string | undefined;
  readonly versionId: string | undefined;
  readonly start: number;
  /** Bytes to deliver; learnt from a resume when the first response did not say. */
  length: number | undefined;
  size: number | undefined;
  #current: Readable;
  #iterator: AsyncIterator<Uint8Array>;
  #received = 0;
  /** `#received` when the current connection's body began; undefined for the first one. */
  #openedAt: number | undefined;

  constructor(
    readonly plan: ReadPlan,
    readonly requests: Requests,
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
  }

  /** Frees the current response's connection. */
  destroy(): void {
    this.#current.destroy();
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
          // Without a length, a body that ended cleanly is the whole object.
          if (this.length === undefined || this.#received === this.length) return;
          reason = new Error(`premature end after ${this.#received} of ${this.length} bytes`);
        } catch (error) {
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
    this.destroy();
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
      this.destroy();
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
    const { scope, Key, operation, signal } = this.plan;
    const { etag, versionId } = this;
    const head = await headRaw(scope, Key, { ifMatch: etag, versionId, signal });
    checkPinned(
      { etag, versionId, size },
      { etag: head.ETag, versionId: head.VersionId, size: head.ContentLength },
      { operation, bucket: scope.bucketName, key: Key },
    );
    this.length = size;
    this.size ??= size;
  }
}

/**
 * Opens a full key as a Readable that resumes itself (see ResumingBody). Every response, the
 * first one included, is checked: it must be the pinned object (a store may ignore If-Match)
 * and exactly the bytes asked for (a store may ignore a Range or its end). A response that
 * does not come within `idleTimeout` is cancelled and tried again. The first request may use
 * maxRetries + 1 requests, the SDK's own retries included; resumes share maxRetries, and a
 * resume after a connection that brought 64 KiB gets a fresh maxRetries (see ResumingBody).
 * @throws ValidationError for a bad option; ObjectNotFoundError, BucketNotFoundError,
 * PreconditionFailedError, AccessDeniedError, S3OperationError at the await ("TooLarge"
 * above `maxLength`, "LengthMismatch", "RangeIgnored"); the body emits
 * PreconditionFailedError when the object changed and S3OperationError when the budget is
 * spent, the server sends more than expected, or a resume learns a length above `maxLength`.
 */
export async function openObjectStream(
  scope: ScopeRef,
  Key: string,
  options: OpenOptions,
): Promise<ObjectStream> {
  const plan: ReadPlan = { scope, Key, ...resolveStreamOptions(options) };
  const requests = new Requests(plan);
  requests.refill(scope.context.policy.maxRetries + 1);
  const first = await requests.withinBudget(
    () => requests.get(plan.asked, plan.pin),
    "s3kit retry",
  );
  const span = firstSpan(plan, first);
  const read = new ResumingBody(plan, requests, first, span);
  const body = Readable.from(read.chunks(), { objectMode: false });
  // A generator that never started skips its finally on return(): a stream destroyed before
  // its first read would keep the response's socket. Closing the body always frees it.
  body.once("close", () => read.destroy());
  return {
    body,
    etag: read.etag,
    versionId: read.versionId,
    length: span.length,
    size: span.total,
  };
}

/** See Scope.stream. */
export async function stream(
  scope: ScopeRef,
  Key: string,
  options: StreamOptions = {},
): Promise<Readable> {
  const { body } = await openObjectStream(scope, Key, options);
  return body;
}
