import type { Options as PRetryOptions } from "p-retry";
import type { RetryBudget } from "./retry-budget.js";

/** The one retry policy of an S3 instance: how many retries and how long to wait between them. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** Base delay in ms; the cap doubles with every retry. */
  retryDelay: number;
  /** Upper bound of any single delay in ms. */
  maxRetryDelay: number;
}

/**
 * Delay before retry number `retry` (1-based): "full jitter", a uniform random pick between 0
 * and min(maxRetryDelay, retryDelay × 2^(retry-1)), so that many clients backing off at once
 * spread out instead of retrying in lockstep.
 */
export function retryDelayFor(policy: RetryPolicy, retry: number): number {
  const cap = Math.min(policy.maxRetryDelay, policy.retryDelay * 2 ** Math.max(0, retry - 1));
  return Math.floor(Math.random() * cap);
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * p-retry options that follow the same policy as the SDK's retries (same count, same
 * full-jitter delays), for the failures the SDK cannot retry itself: a broken body stream,
 * per-key errors inside a successful DeleteObjects reply. `retryIf` decides which errors are
 * worth another attempt; the delay is only waited once a retry is decided. With a `budget`
 * (the one the requests spend from too), no retry starts once it is spent, and the delay
 * grows with the attempts made by both layers.
 */
export function pRetryOptions(
  policy: RetryPolicy,
  settings: {
    retryIf: (error: unknown) => boolean;
    signal?: AbortSignal | undefined;
    retries?: number;
    budget?: RetryBudget;
    onRetry?: (error: unknown, retry: number) => void;
  },
): PRetryOptions {
  const { budget } = settings;
  return {
    retries: settings.retries ?? policy.maxRetries,
    minTimeout: 0,
    maxTimeout: 0,
    signal: settings.signal,
    shouldRetry: async ({ error, attemptNumber }) => {
      if (!settings.retryIf(error) || budget?.left === 0) return false;
      settings.onRetry?.(error, attemptNumber);
      await sleep(retryDelayFor(policy, budget?.used ?? attemptNumber), settings.signal);
      return true;
    },
  };
}
