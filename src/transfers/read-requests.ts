import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";
import pRetry from "p-retry";
import { failure, type Target, throwIfAborted } from "../client/context.js";
import { linkAbort } from "../client/link-abort.js";
import { log } from "../client/logger.js";
import { RetryBudget } from "../client/retry-budget.js";
import { pRetryOptions, sleep } from "../client/retry-policy.js";
import { timeoutError } from "../client/timeout-error.js";
import type { AskedBytes } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { BodyInterrupted } from "./body-interrupted.js";
import type { ChunkSource } from "./chunk-source.js";
import { type GetRequestOptions, getRaw, rangeHeader } from "./get-object.js";
import type { ReadPlan } from "./resolve-stream-options.js";
import { responseBody } from "./response-body.js";

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
  stop: AbortSignal,
): Promise<{ response: GetObjectCommandOutput; body: ChunkSource }> {
  const controller = new AbortController();
  const caller = options.signal;
  const unlink = [caller, stop].map((signal) => linkAbort(signal, controller));
  const timer = setTimeout(
    () => controller.abort(timeoutError(`no response within ${timeout} ms`)),
    timeout,
  );
  try {
    const response = await getRaw(scope, Key, { ...options, signal: controller.signal });
    const body = responseBody(response.Body, scope, Key);
    void body.closed.then(() => {
      for (const undo of unlink) undo();
    });
    return { response, body };
  } catch (error) {
    for (const undo of unlink) undo();
    // Our own timeout: a stall, to retry. The caller's abort or stop(): the read is over.
    if (controller.signal.aborted && !caller?.aborted && !stop.aborted) {
      throw new BodyInterrupted(controller.signal.reason);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The reason of a read's stop(): made once, because every read stops when its reader is done
 * and an abort without a reason makes a DOMException, stack and all (3 % of a small GET's CPU).
 * No one sees it: the reader has left.
 */
const READ_STOPPED = new Error("the reader left the read");

/** An answered GET: its response and its body as a ChunkSource. */
export type Opened = Awaited<ReturnType<typeof timedGet>>;

/**
 * Sends a read's GETs and keeps its retry budget: each episode (the first request; a resume,
 * or a run of resumes that brought little, see ResumingBody) may make a number of requests
 * that bring no byte, the SDK's own retries included: one RetryBudget per episode, spent by
 * both layers.
 */
export class ReadRequests {
  #budget = new RetryBudget(0);
  /** Aborted by stop(): the reader has left. */
  readonly #stop = new AbortController();

  constructor(readonly plan: ReadPlan) {}

  /** Requests made and left in the current episode. */
  get budget(): { readonly used: number; readonly left: number } {
    return this.#budget;
  }

  /**
   * Ends the read's requests: the GET under way, if any, is cancelled, and neither it nor a
   * failed attempt is tried again (the reader let go of the body while it was resuming).
   */
  stop(): void {
    this.#stop.abort(READ_STOPPED);
  }

  /** Starts a new episode of `attempts` requests. */
  refill(attempts: number): void {
    this.#budget = new RetryBudget(attempts);
  }

  /**
   * One GET of the bytes `asked` (when undefined: `pin.rangeHeader`'s, else all of them), with
   * `pin`'s conditions.
   */
  get(asked: AskedBytes | undefined, pin: GetRequestOptions): Promise<Opened> {
    const { scope, Key, signal, idleTimeout, customerKey } = this.plan;
    const rangeHeaderValue = asked ? rangeHeader(asked) : pin.rangeHeader;
    const budget = this.#budget;
    const options = { ...pin, rangeHeader: rangeHeaderValue, signal, budget, customerKey };
    return timedGet(scope, Key, options, idleTimeout, this.#stop.signal);
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
          retryIf: (error) => error instanceof BodyInterrupted && !this.#stop.signal.aborted,
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
