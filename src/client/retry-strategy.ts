import { type Logger, log } from "./logger.js";
import { type RetryPolicy, retryDelayFor } from "./retry-policy.js";

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

interface RetryErrorInfo {
  errorType: "TRANSIENT" | "THROTTLING" | "SERVER_ERROR" | "CLIENT_ERROR";
  retryAfterHint?: Date;
  error?: unknown;
}

function token(retryCount: number, delay: number): RetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => delay };
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
    const retryable = info.errorType === "THROTTLING" || info.errorType === "TRANSIENT";
    if (!retryable || retry > this.#policy.maxRetries) {
      throw new Error("no retry left");
    }
    let delay = retryDelayFor(this.#policy, retry);
    if (info.retryAfterHint) {
      const hinted = info.retryAfterHint.getTime() - Date.now();
      delay = Math.min(this.#policy.maxRetryDelay, Math.max(delay, hinted));
    }
    const error = info.error as { name?: string; $metadata?: { httpStatusCode?: number } };
    log(this.#logger, "warn", "s3kit retry", {
      retry,
      maxRetries: this.#policy.maxRetries,
      delayMs: delay,
      errorType: info.errorType,
      error: error?.name,
      status: error?.$metadata?.httpStatusCode,
    });
    return token(retry, delay);
  }

  recordSuccess(_token: RetryToken): void {}
}
