import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { abortError } from "../abort-error.js";
import { timeoutError } from "../timeout-error.js";
import { fetchExchange } from "./fetch-exchange.js";
import type { Exchange, HttpAnswer, HttpRequest, SendSettings } from "./http-types.js";

/**
 * The sockets one S3 instance keeps open: as many per host as the SDK's Node handler allows
 * (50), kept alive between requests, so a request rarely waits for a TCP or TLS handshake.
 */
const MAX_SOCKETS = 50;

function headersOf(message: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/**
 * The HTTP client of the Node build: Node's http module on Node, measured faster than its
 * fetch for small requests; the runtime's own fetch on Bun and Deno, which emulate Node's
 * http module on top of their native client.
 */
export function httpExchange(): Exchange {
  const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
  return runtime.Bun !== undefined || runtime.Deno !== undefined ? fetchExchange() : nodeExchange();
}

/**
 * Sends requests with Node's http and https modules over keep-alive agents. A request is
 * destroyed, its answer's body too, when `signal` aborts or its connection stays silent for
 * `timeout` ms: before the answer or while its body is read, as the SDK's `socketTimeout`.
 */
function nodeExchange(): Exchange {
  const agents = {
    "http:": new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
    "https:": new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
  };
  return {
    send: (request, settings) => exchange(request, settings, agents[request.protocol]),
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}

function exchange(
  request: HttpRequest,
  { signal, timeout }: SendSettings,
  agent: HttpAgent,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const send = request.protocol === "https:" ? httpsRequest : httpRequest;
    const outgoing = send({
      agent,
      method: request.method,
      hostname: request.hostname,
      port: request.port || undefined,
      path: request.path,
      headers: request.headers,
    });
    let answer: IncomingMessage | undefined;
    const fail = (error: Error) => {
      // Once answered, the body carries the failure to whoever reads it.
      if (answer) answer.destroy(error);
      else reject(error);
      outgoing.destroy(error);
    };
    const onAbort = () => fail(abortError(signal as AbortSignal));
    signal?.addEventListener("abort", onAbort, { once: true });
    const stop = () => signal?.removeEventListener("abort", onAbort);
    outgoing.setTimeout(timeout, () =>
      fail(timeoutError(`Connection timed out after ${timeout} ms of silence`)),
    );
    outgoing.once("error", (error) => {
      stop();
      reject(error);
    });
    outgoing.once("response", (message) => {
      answer = message;
      message.once("close", stop);
      resolve({ status: message.statusCode ?? 0, headers: headersOf(message), body: message });
    });
    if (signal?.aborted) onAbort();
    else outgoing.end(request.body);
  });
}
