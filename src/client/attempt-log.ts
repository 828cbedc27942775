import type { S3Client } from "@aws-sdk/client-s3";
import { errorCode } from "../errors/transient.js";
import { abortError } from "./abort-error.js";
import { withCommandMiddleware } from "./command-middleware.js";

/** One HTTP attempt of a request, as the client saw it. */
export interface Attempt {
  /** Local clock (Date.now()) when the attempt was handed to the HTTP layer, and when it ended. */
  start: number;
  end: number;
  /** Status of the answer on the wire; undefined when none came. */
  status: number | undefined;
  /** The answer's Date header in ms: the server's clock, to the second. */
  date: number | undefined;
  /** Whether the server may have carried the request out without our learning so. */
  mayHaveLanded: boolean;
}

/** Server clock minus local clock, as a range: the true offset is in [min, max). */
export interface ClockOffset {
  min: number;
  max: number;
}

/** Codes of a connection that never opened: nothing was sent. */
const NEVER_CONNECTED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

/**
 * Node's codes for a request it refused to write at all: a header name or value it cannot
 * carry (ERR_INVALID_CHAR, ERR_INVALID_HTTP_TOKEN, ERR_HTTP_INVALID_HEADER_VALUE), a path with
 * unescaped characters. Not every ERR_*: ERR_STREAM_PREMATURE_CLOSE, say, comes after sending.
 */
const REFUSED_LOCALLY = /^ERR_(INVALID_\w+|HTTP_INVALID_HEADER_VALUE|UNESCAPED_CHARACTERS)$/;

/**
 * Statuses a gateway gives when the origin failed it, whether or not the origin carried the
 * request out: 502 and 504, and Cloudflare's 520–524 (524: the origin is still at work).
 */
const GATEWAY_STATUSES = new Set([502, 504, 520, 521, 522, 523, 524]);

/**
 * Commands whose store's own InternalError does not say they were not carried out: AWS
 * documents that CompleteMultipartUpload may answer InternalError, a 500 or a 200 carrying an
 * <Error> (which the SDK turns into a 503), although it created the object. Reconciling it is
 * safe: the object must have the multipart ETag of our parts and be written during the call.
 */
const INTERNAL_ERROR_MAY_LAND = new Set(["CompleteMultipartUploadCommand"]);

/** Codes the SDK gives an error answer it could not read an S3 error code from. */
const UNREAD_CODES = new Set(["Unknown", "UnknownError"]);

interface FailedAttempt {
  code?: unknown;
  $response?: Answer;
}

interface Answer {
  statusCode?: unknown;
  headers?: Record<string, string | undefined>;
}

function header(answer: Answer | undefined, name: string): string | undefined {
  const headers = answer?.headers ?? {};
  const found = Object.keys(headers).find((header) => header.toLowerCase() === name);
  return found === undefined ? undefined : headers[found];
}

function dateOf(answer: Answer | undefined): number | undefined {
  const date = Date.parse(header(answer, "date") ?? "");
  return Number.isNaN(date) ? undefined : date;
}

function statusOf(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/**
 * Whether an error answer is the store's own S3 error, which says the request was not carried
 * out: an error body the SDK read a Code from, or the x-amz-request-id S3 (and every S3-like
 * store) puts on each answer. A gateway's own answer has neither (Envoy's plain-text "upstream
 * connect error or disconnect/reset before headers", a load balancer's HTML page).
 */
function isStoreError(error: FailedAttempt, answer: Answer): boolean {
  return !UNREAD_CODES.has(errorCode(error)) || header(answer, "x-amz-request-id") !== undefined;
}

/**
 * Whether a failed attempt may have been carried out. Only an answer on the wire (the SDK's
 * raw `$response`) is trusted: a status without one is made up (the SDK calls a 200 with an
 * empty body a 503 InternalError). So it may have landed when it was sent and: got no answer
 * (a reset, a lost response, a timeout, an abort once sent); got a success status whose body
 * broke off or was no S3 answer; got a gateway status (502, 504, 520–524); or got a 5xx that
 * is not the store's own S3 error (see isStoreError), or, for a CompleteMultipartUpload, is
 * the store's own 500 or InternalError (see INTERNAL_ERROR_MAY_LAND). A 4xx, or the store's
 * own 500 or 503 (SlowDown: so a persistent throttling never doubles the requests) to any
 * other request, says it was not.
 */
function failedMayHaveLanded(error: FailedAttempt, command: string): boolean {
  const code = String(error.code);
  if (NEVER_CONNECTED.has(code) || REFUSED_LOCALLY.test(code)) return false;
  const answer = error.$response;
  const status = statusOf(answer?.statusCode);
  if (answer === undefined || status === undefined) return true;
  if (status >= 200 && status < 300) return true;
  if (GATEWAY_STATUSES.has(status)) return true;
  if (status < 500) return false;
  if (!isStoreError(error, answer)) return true;
  return (
    INTERNAL_ERROR_MAY_LAND.has(command) && (status === 500 || errorCode(error) === "InternalError")
  );
}

/**
 * What every attempt of one request did, recorded inside the SDK's retry loop: when it ran,
 * what it was answered, and whether it may have been carried out unseen. A request that is not
 * idempotent (a commit, a CreateMultipartUpload, a conditional delete) needs this to know
 * whether its failure can hide work the server did: the error it ends with only tells of its
 * last attempt.
 */
export class AttemptLog {
  readonly attempts: Attempt[] = [];
  readonly #signal: AbortSignal | undefined;

  /**
   * `signal`: the caller's; no attempt starts after it aborted, even of a request sent
   * without it (a commit: see `commit` in reconcile.ts), which then fails as an AbortError.
   */
  constructor(signal?: AbortSignal) {
    this.#signal = signal;
  }

  /**
   * A view of `client` whose commands record their attempts here. The middleware sits, like
   * RetryBudget's, in the finalizeRequest step below the SDK's retry middleware, so it runs
   * once per attempt.
   */
  on(client: S3Client): S3Client {
    return withCommandMiddleware(client, (stack) =>
      stack.add(
        (next, context) => (args) => this.record(context.commandName ?? "", () => next(args)),
        {
          step: "finalizeRequest",
          priority: "low",
          name: "s3kitAttemptLog",
          override: true,
        },
      ),
    );
  }

  /**
   * Marks the last attempt, answered with a success status, as one whose answer was no usable
   * S3 answer (a Create without UploadId, a commit without ETag: an empty body, a proxy's
   * sign-in page): whatever answered, the store behind it may have carried the request out.
   */
  answerUnusable(): void {
    const last = this.attempts.at(-1);
    if (last) last.mayHaveLanded = true;
  }

  /** Whether some attempt may have been carried out without our learning so. */
  get mayHaveLanded(): boolean {
    return this.attempts.some((attempt) => attempt.mayHaveLanded);
  }

  /**
   * The server's clock against ours, from the last answer carrying a Date header: that answer
   * was made between the attempt's start and end, and its Date is cut to the second. Undefined
   * when no answer had one.
   */
  clockOffset(): ClockOffset | undefined {
    const dated = this.attempts.findLast((attempt) => attempt.date !== undefined);
    if (dated?.date === undefined) return undefined;
    return { min: dated.date - dated.end, max: dated.date + 1000 - dated.start };
  }

  /**
   * Runs one attempt (`send`) of a `command` (its SDK name, "PutObjectCommand") and records
   * what it did; refuses it, unsent and unrecorded, once the signal aborted. The SDK never
   * retries that AbortError. `send` resolves with the answer as `response`, or throws an
   * error carrying the answer as `$response`, as the SDK's handlers do.
   */
  async record<T extends { response: unknown }>(
    command: string,
    send: () => Promise<T>,
  ): Promise<T> {
    if (this.#signal?.aborted) throw abortError(this.#signal);
    const start = Date.now();
    try {
      const result = await send();
      const answer = result.response as Answer | undefined;
      const status = statusOf(answer?.statusCode);
      const date = dateOf(answer);
      this.attempts.push({ start, end: Date.now(), status, date, mayHaveLanded: false });
      return result;
    } catch (error) {
      const failed = (error ?? {}) as FailedAttempt;
      this.attempts.push({
        start,
        end: Date.now(),
        status: statusOf(failed.$response?.statusCode),
        date: dateOf(failed.$response),
        mayHaveLanded: failedMayHaveLanded(failed, command),
      });
      throw error;
    }
  }
}
