import { AttemptLog } from "../client/attempt-log.js";
import type { ClientContext, Target } from "../client/context.js";
import type { ExpectedObject } from "./expected-object.js";
import { invalidResponse } from "./invalid-response.js";
import { reconcile, type Written } from "./reconcile.js";

/**
 * A signal that aborts `grace` ms after `signal` did, with its reason; `end()` lets go of
 * `signal` and of the timer.
 */
function afterGrace(signal: AbortSignal, grace: number): { signal: AbortSignal; end: () => void } {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => {
    timer = setTimeout(() => controller.abort(signal.reason), grace);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  const end = () => {
    signal.removeEventListener("abort", onAbort);
    clearTimeout(timer);
  };
  return { signal: controller.signal, end };
}

/**
 * Runs the commit of a write (`send`, whose request must go through `attempts.on(client)` and
 * carry the signal it is given); when it fails, or succeeds with no ETag (no S3 answer:
 * S3OperationError "InvalidResponse"), reconciles (see `reconcile`): the object found, or the
 * error when that stands. No attempt of it starts once `signal` aborted (see AttemptLog), and
 * the one on the wire is cancelled: at once, or with a `grace` (ms), once that has passed,
 * for a commit that should run to its answer (a CompleteMultipartUpload: once sent it may
 * create the object, and only its answer says so). Cancelled once sent, it is reconciled
 * too: the object, if it is ours, else the abort. `since`: when the write began (default
 * now); a multipart write's began before its CreateMultipartUpload.
 */
export async function commit(
  context: ClientContext,
  target: Target & { bucket: string; key: string },
  send: (attempts: AttemptLog, signal: AbortSignal | undefined) => Promise<Written>,
  expected: () => Promise<ExpectedObject | undefined>,
  options: { since?: number; signal?: AbortSignal | undefined; grace?: number } = {},
): Promise<Written> {
  const { signal, grace } = options;
  const call = { since: options.since ?? Date.now(), attempts: new AttemptLog(signal) };
  const graced = signal && grace !== undefined ? afterGrace(signal, grace) : undefined;
  let error: unknown;
  try {
    const written = await send(call.attempts, graced?.signal ?? signal);
    if (written.etag) return written;
    call.attempts.answerUnusable();
    error = invalidResponse(target, "ETag");
  } catch (failed) {
    error = failed;
  } finally {
    graced?.end();
  }
  const found = await reconcile(context, target, error, call, expected);
  if (!found) throw error;
  return found;
}
