import type { Stack } from "./command-middleware.js";
import { redirectRegion } from "./redirect-region.js";
import type { RetryPolicy } from "./retry-policy.js";

/**
 * The HTTP attempts one logical operation may make, shared by every retry layer: the SDK's
 * retries of each request and s3kit's own retries of what the SDK cannot retry (per-key
 * failures, broken bodies). Each attempt on the wire spends one (but a redirect to the
 * bucket's region, given back: see `refund`); once none is left, no layer tries again, so the
 * layers never multiply.
 */
export class RetryBudget {
  #left: number;
  #used = 0;
  /** The failure of the last attempt that failed, for when an attempt is refused. */
  lastError: unknown;

  constructor(attempts: number) {
    this.#left = attempts;
  }

  /** The budget of one operation under `policy`: maxRetries + 1 attempts. */
  static of(policy: RetryPolicy): RetryBudget {
    return new RetryBudget(policy.maxRetries + 1);
  }

  /** Attempts still allowed. */
  get left(): number {
    return this.#left;
  }

  /** Attempts made so far. */
  get used(): number {
    return this.#used;
  }

  /**
   * Gives back the attempt a redirect to the bucket's region took (see redirectRegion): one
   * that only learnt where to send the request is no failure, and costs no retry.
   */
  refund(): void {
    this.#left += 1;
    this.#used -= 1;
  }

  /** Spends one attempt; false when none is left. */
  take(): boolean {
    if (this.#left === 0) return false;
    this.#left -= 1;
    this.#used += 1;
    return true;
  }
}

/**
 * Thrown inside the SDK's retry loop once the budget is spent, to end it: it looks like a
 * client error (no status, no `$retryable`, and the attempt's error kept out of `cause`, which
 * the SDK's retry classifier would look through), so no retry strategy retries it.
 * `request()` throws the attempt's own error instead.
 */
class RetryBudgetSpent extends Error {
  readonly error: unknown;

  constructor(error: unknown) {
    super("retry budget spent");
    this.name = "RetryBudgetSpent";
    this.error = error;
  }
}

/**
 * Makes every attempt of one command spend from `budget`. The middleware sits in the
 * finalizeRequest step below the SDK's retry middleware (step finalizeRequest, priority
 * high), so it runs once per attempt, inside the retry loop.
 */
export function addRetryBudget(stack: Stack, budget: RetryBudget): void {
  stack.add(
    (next) => async (args) => {
      if (!budget.take()) {
        throw new RetryBudgetSpent(budget.lastError ?? new Error("no attempt left to send"));
      }
      try {
        return await next(args);
      } catch (error) {
        budget.lastError = error;
        // Followed without a retry (see followBucketRegion), at most once per request.
        if (redirectRegion(error, "") !== undefined) budget.refund();
        if (budget.left === 0) throw new RetryBudgetSpent(error);
        throw error;
      }
    },
    { step: "finalizeRequest", priority: "low", name: "s3kitRetryBudget", override: true },
  );
}

/**
 * The error a request really failed with: the attempt's own error when the budget ended the
 * SDK's retries, with the attempts the SDK counted.
 */
export function withoutBudgetWrapper(error: unknown): unknown {
  if (!(error instanceof RetryBudgetSpent)) return error;
  const inner = error.error as { $metadata?: Record<string, unknown> } | null;
  const counted = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
  if (inner !== null && typeof inner === "object" && counted !== undefined) {
    inner.$metadata = { ...inner.$metadata, attempts: counted };
  }
  return inner;
}
