import { abortError } from "../abort-error.js";
import { linkAbort } from "../link-abort.js";
import type { Exchange, HttpAnswer, HttpRequest, SendSettings } from "./http-types.js";

/** Headers the runtime's fetch sets itself (from the URL and the body) and refuses from us. */
const SET_BY_FETCH = new Set(["host", "content-length"]);

/**
 * Sends requests with the runtime's `fetch` (Deno, Bun, workerd, browsers keep connections
 * alive themselves). `timeout` bounds the wait for the answer's headers: fetch has no idle
 * timer on a body, which the read path's own idle timeout watches.
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
  const timer = setTimeout(() => {
    const error = new Error(`No answer after ${timeout} ms`);
    error.name = "TimeoutError";
    controller.abort(error);
  }, timeout);
  const headers: Record<string, string> = {};
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
    });
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      answerHeaders[name] = value;
    });
    return { status: response.status, headers: answerHeaders, body: response.body };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    const reason: unknown = controller.signal.reason;
    throw controller.signal.aborted && reason instanceof Error ? reason : error;
  } finally {
    clearTimeout(timer);
    // The read path cancels a body it stops reading, on an abort too.
    unlink();
  }
}
