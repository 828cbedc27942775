import type { S3Client } from "@aws-sdk/client-s3";
import { withCommandMiddleware } from "./command-middleware.js";

/** One HTTP attempt of a request, as the client saw it. */
export interface Attempt {
  /** Local clock (Date.now()) when the attempt was handed to the HTTP layer, and when it ended. */
  start: number;
  end: number;
  /** Status of the answer; undefined when none came. */
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

interface FailedAttempt {
  code?: unknown;
  $response?: Answer;
  $metadata?: { httpStatusCode?: unknown };
}

interface Answer {
  statusCode?: unknown;
  headers?: Record<string, string | undefined>;
}

function dateOf(answer: Answer | undefined): number | undefined {
  const headers = answer?.headers ?? {};
  const name = Object.keys(headers).find((header) => header.toLowerCase() === "date");
  const date = name === undefined ? Number.NaN : Date.parse(headers[name] ?? "");
  return Number.isNaN(date) ? undefined : date;
}

function statusOf(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/**
 * Whether a failed attempt may have been carried out: it was sent and got no answer (a reset,
 * a lost response, a timeout, an abort once sent), or a 502/504 (a gateway that may have passed
 * it on), or a success status whose body broke off. A 500, 503 or 4xx answer says it was not.
 */
function failedMayHaveLanded(error: FailedAttempt, sent: boolean): boolean {
  if (!sent) return false;
  const wire = statusOf(error.$response?.statusCode);
  if (wire !== undefined && wire >= 200 && wire < 300) return true;
  const status = wire ?? statusOf(error.$metadata?.httpStatusCode);
  if (status === undefined) return !NEVER_CONNECTED.has(String(error.code));
  return status === 502 || status === 504;
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

  /** `signal`: the request's own; an attempt started after it aborted is never sent. */
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
      stack.add((next) => (args) => this.#attempt(() => next(args)), {
        step: "finalizeRequest",
        priority: "low",
        name: "s3kitAttemptLog",
        override: true,
      }),
    );
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

  /** Runs one attempt (`send`) and records what it did. */
  async #attempt<T extends { response: unknown }>(send: () => Promise<T>): Promise<T> {
    const start = Date.now();
    // The HTTP handler refuses an aborted request before sending anything.
    const sent = this.#signal?.aborted !== true;
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
        status:
          statusOf(failed.$metadata?.httpStatusCode) ?? statusOf(failed.$response?.statusCode),
        date: dateOf(failed.$response),
        mayHaveLanded: failedMayHaveLanded(failed, sent),
      });
      throw error;
    }
  }
}
