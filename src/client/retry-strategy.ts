import { type Logger, log } from "./logger.js";
import { type RetryPolicy, retryDelayFor } from "./retry-policy.js";

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** What a failed attempt tells the retry decision. */
export interface RetryErrorInfo {
  errorType: "TRANSIENT" | "THROTTLING" | "SERVER_ERROR" | "CLIENT_ERROR";
  retryAfterHint?: Date;
  error?: unknown;
}

function token(retryCount: number, delay: number): RetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => delay };
}

/**
 * The one retry decision, for the SDK's retries and the lean path's: the delay before retry
 * number `retry` (1-based) of a failure `info` describes, or undefined when there is none:
 * client errors (4xx) are never retried, nor anything past `maxRetries`. Full-jitter delays,
 * a server's Retry-After honoured up to maxRetryDelay; each retry gets a log line.
 */
export function retryDelay(
  policy: RetryPolicy,
  logger: Logger | undefined,
  retry: number,
  info: RetryErrorInfo,
): number | undefined {
  const retryable = info.errorType === "THROTTLING" || info.errorType === "TRANSIENT";
  if (!retryable || retry > policy.maxRetries) return undefined;
  let delay = retryDelayFor(policy, retry);
  if (info.retryAfterHint) {
    const hinted = info.retryAfterHint.getTime() - Date.now();
    delay = Math.min(policy.maxRetryDelay, Math.max(delay, hinted));
  }
  const error = info.error as { name?: string; $metadata?: { httpStatusCode?: number } };
  log(logger, "warn", "s3kit retry", {
    retry,
    maxRetries: policy.maxRetries,
    delayMs: delay,
    errorType: info.errorType,
    error: error?.name,
    status: error?.$metadata?.httpStatusCode,
  });
  return delay;
}

/**
 * The SDK retry strategy that carries our policy: at most `maxRetries` retries of throttling
 * and transient failures (5xx, resets, timeouts), full-jitter delays, a server's Retry-After
 * honoured up to maxRetryDelay, and a log line for each retry. Client errors (4xx) are never
 * retried. It is the only layer that retries a request.
 */
export class PolicyRetryStrategy {
  readonly mode = "standard";
  readonly #policy: RetryPolicy;
  readonly #logger: Logger | undefined;

  constructor(policy: RetryPolicy, logger?: Logger) {
    this.#policy = policy;
    this.#logger = logger;
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retry = previous.getRetryCount() + 1;
    const delay = retryDelay(this.#policy, this.#logger, retry, info);
    if (delay === undefined) throw new Error("no retry left");
    return token(retry, delay);
  }

  recordSuccess(_token: RetryToken): void {}
}
