import { abortError } from "../abort-error.js";
import { linkAbort } from "../link-abort.js";
import { timeoutError } from "../timeout-error.js";
import type { Exchange, HttpAnswer, HttpRequest, SendSettings } from "./http-types.js";

/** Headers the runtime's fetch sets itself (from the URL and the body) and refuses from us. */
const SET_BY_FETCH = new Set(["host", "content-length"]);

/**
 * Sends requests with the runtime's `fetch` (Deno, Bun, workerd, browsers keep connections
 * alive themselves). As Node's exchange: the request fails, its answer's body too, when
 * `signal` aborts or nothing comes for `timeout` ms, before the answer or while its body is
 * read (fetch has no idle timer of its own).
 */
export function fetchExchange(): Exchange {
  return { send: exchange, close() {} };
}

async function exchange(
  request: HttpRequest,
  { signal, timeout }: SendSettings,
): Promise<HttpAnswer> {
  const controller = new AbortController();
  const unlink = linkAbort(signal, controller);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watch = {
    arm() {
      clearTimeout(timer);
      timer = setTimeout(
        () => controller.abort(timeoutError(`Nothing received for ${timeout} ms`)),
        timeout,
      );
    },
    end() {
      clearTimeout(timer);
      unlink();
    },
    /** What a failure is to the caller: its abort, our timeout, or the runtime's error. */
    failure(error: unknown): unknown {
      if (signal?.aborted) return abortError(signal);
      const reason: unknown = controller.signal.reason;
      return controller.signal.aborted && reason instanceof Error ? reason : error;
    },
  };
  watch.arm();
  // Unsigned, for Deno: it inflates a gzip-encoded body unless the request names an encoding.
  const headers: Record<string, string> = { "accept-encoding": "identity" };
  for (const [name, value] of Object.entries(request.headers)) {
    if (!SET_BY_FETCH.has(name)) headers[name] = value;
  }
  try {
    const response = await fetch(`${request.protocol}//${request.host}${request.path}`, {
      method: request.method,
      headers,
      body: request.body,
      signal: controller.signal,
      redirect: "manual",
      // Bun's: the body as stored (a gzip object's gzip bytes), as Node's http gives it.
      decompress: false,
    } as RequestInit);
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      answerHeaders[name] = value;
    });
    // The answer came: its body has the whole timeout for its first bytes.
    if (response.body === null) watch.end();
    else watch.arm();
    const body = response.body && watched(response.body, watch);
    return { status: response.status, headers: answerHeaders, body };
  } catch (error) {
    watch.end();
    throw watch.failure(error);
  }
}

/**
 * `body`, read through `watch`: each chunk restarts its idle timer, and its end, failure or
 * cancellation ends the watch (the timer, the link to the caller's signal).
 */
function watched(
  body: ReadableStream<Uint8Array>,
  watch: { arm(): void; end(): void; failure(error: unknown): unknown },
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(stream) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          watch.end();
          stream.close();
          return;
        }
        watch.arm();
        stream.enqueue(value);
      } catch (error) {
        watch.end();
        stream.error(watch.failure(error));
      }
    },
    cancel(reason) {
      watch.end();
      return reader.cancel(reason);
    },
  });
}
