import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { testServer } from "./s3.js";

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query exactly as sent (`path` is the URL's, dot segments resolved). */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

/** What to do to a matching request. */
export type FaultAction =
  /**
   * Forward, then destroy the connection after `afterBytes` bytes of the response body. With
   * `afterBytes: 0` the headers never go out, so the client sees a failed request; add
   * `flushHeaders: true` to send them first and make it a body that breaks before its first byte.
   */
  | { kind: "reset"; afterBytes: number; flushHeaders?: boolean }
  /** Forward, then hold the response body after `afterBytes` bytes for `ms` (Infinity: until closed). */
  | { kind: "stall"; afterBytes: number; ms: number }
  /** Answer with an S3 XML error instead of forwarding. */
  | { kind: "status"; status: number; code: string; message?: string }
  /** Run something (e.g. overwrite the object) before forwarding. */
  | { kind: "before"; run: () => Promise<void> }
  /**
   * Forward, wait until the server has answered in full, then close the client's connection
   * without sending a byte of that answer: the request was processed, its response is lost.
   */
  | { kind: "drop" }
  /**
   * Answer this instead of forwarding: something in front of the store that never passed the
   * request on (a proxy's sign-in page, a gateway's own error). No x-amz-request-id.
   */
  | { kind: "respond"; answer: ProxyAnswer }
  /**
   * Forward and wait until the server has answered in full; then `run` (e.g. the caller aborts
   * meanwhile), then send `answer` instead of the server's (a gateway failing after the origin
   * did the work: Envoy's 503, Cloudflare's 524; or an empty 200), or the server's own answer.
   */
  | { kind: "afterServer"; run?: () => Promise<void> | void; answer?: ProxyAnswer };

/** An answer the proxy makes up itself. */
export interface ProxyAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * The Date header of every answer: the server's own ("server", the default), none (a gateway
 * that strips it), or the proxy's, from a clock this many ms off the server's (a reverse proxy
 * such as nginx puts its own Date on every answer). The proxy's own answers carry its Date.
 */
export type DateMode = "server" | "none" | number;

/** A fault applied to the next `times` requests that `match` accepts. */
export interface FaultRule {
  /** Which requests; default every request. */
  match?: (request: ProxiedRequest) => boolean;
  action: FaultAction;
  /** How many matching requests it applies to; default 1. */
  times?: number;
}

/** A loopback HTTP proxy in front of an S3 endpoint that injects faults on demand. */
export interface FaultProxy {
  /** Point an S3 client here. */
  endpoint: string;
  /** Every request seen, in order. */
  requests: ProxiedRequest[];
  addRule(rule: FaultRule): void;
  clearRules(): void;
  /** Sets the Date header of the answers from now on (see DateMode). */
  setDates(mode: DateMode): void;
  close(): Promise<void>;
}

/** Matches GET requests for one key (path-style: /bucket/key). */
export function getOf(bucket: string, key: string): (request: ProxiedRequest) => boolean {
  const path = `/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
  return (request) =>
    request.method === "GET" && decodeURIComponent(request.path) === decodeURIComponent(path);
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
}

function forwardBody(
  upstream: IncomingMessage,
  response: ServerResponse,
  action: FaultAction | undefined,
): void {
  let sent = 0;
  // The fault fires once; while a stall holds the body, its end waits for the stall to pass.
  let fired = false;
  let holding = false;
  let ended = false;
  const write = (chunk: Buffer) => {
    sent += chunk.length;
    if (!response.write(chunk)) {
      upstream.pause();
      response.once("drain", () => upstream.resume());
    }
  };
  upstream.on("data", (chunk: Buffer) => {
    if (holding) return;
    const room =
      action?.kind === "reset" || action?.kind === "stall" ? action.afterBytes - sent : 0;
    if (fired || (action?.kind !== "reset" && action?.kind !== "stall") || chunk.length < room) {
      write(chunk);
      return;
    }
    fired = true;
    if (room > 0) write(chunk.subarray(0, room));
    if (action.kind === "reset") {
      holding = true;
      // Let the partial chunk reach the socket, then cut the connection hard.
      setImmediate(() => {
        response.socket?.destroy();
        upstream.destroy();
      });
      return;
    }
    holding = true;
    upstream.pause();
    const rest = chunk.subarray(Math.max(room, 0));
    if (!Number.isFinite(action.ms)) return;
    setTimeout(() => {
      holding = false;
      if (rest.length > 0) write(rest);
      if (ended) response.end();
      else upstream.resume();
    }, action.ms).unref();
  });
  upstream.on("end", () => {
    ended = true;
    if (!holding) response.end();
  });
  upstream.on("error", () => response.socket?.destroy());
  response.on("close", () => upstream.destroy());
}

/** The headers of an answer, its Date set as `mode` says. */
function dated(headers: IncomingHttpHeaders, mode: DateMode, own: boolean): IncomingHttpHeaders {
  const { date, ...rest } = headers;
  if (mode === "none") return rest;
  if (typeof mode === "number") return { ...rest, date: new Date(Date.now() + mode).toUTCString() };
  const kept = own ? new Date().toUTCString() : date;
  return kept === undefined ? rest : { ...rest, date: kept };
}

/** Sends an answer the proxy made up, once the request has been read. */
function respond(response: ServerResponse, answer: ProxyAnswer, mode: DateMode): void {
  const body = answer.body ?? "";
  const headers = { "content-length": String(Buffer.byteLength(body)), ...answer.headers };
  response.writeHead(answer.status, dated(headers, mode, true));
  response.end(body);
}

/** The "afterServer" action: the server's whole answer is read, then `run`, then an answer. */
function answerAfterServer(
  upstream: IncomingMessage,
  response: ServerResponse,
  action: Extract<FaultAction, { kind: "afterServer" }>,
  mode: DateMode,
): void {
  const chunks: Buffer[] = [];
  upstream.on("data", (chunk: Buffer) => chunks.push(chunk));
  upstream.on("error", () => response.socket?.destroy());
  upstream.on("end", async () => {
    await action.run?.();
    if (response.destroyed) return;
    if (action.answer) {
      respond(response, action.answer, mode);
      return;
    }
    response.writeHead(upstream.statusCode ?? 502, dated(upstream.headers, mode, false));
    response.end(Buffer.concat(chunks));
  });
}

/** Starts a fault proxy on 127.0.0.1 (random port) in front of `target` (an http:// endpoint). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstreamUrl = new URL(target);
  const rules: Array<FaultRule & { left: number }> = [];
  const requests: ProxiedRequest[] = [];
  let dates: DateMode = "server";

  const server = createServer((request, response) => {
    // Node would add a Date of its own to an answer without one.
    response.sendDate = false;
    const url = new URL(request.url ?? "/", "http://proxy");
    const seen: ProxiedRequest = {
      method: request.method ?? "GET",
      url: request.url ?? "/",
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
    };
    requests.push(seen);
    const rule = rules.find((candidate) => candidate.left > 0 && (candidate.match?.(seen) ?? true));
    if (rule) rule.left--;
    const action = rule?.action;

    if (action?.kind === "status" || action?.kind === "respond") {
      const answer: ProxyAnswer =
        action.kind === "respond"
          ? action.answer
          : {
              status: action.status,
              body: errorXml(action.code, action.message ?? "Injected by the fault proxy"),
              headers: { "content-type": "application/xml", "x-amz-request-id": "fault-proxy" },
            };
      request.resume();
      request.on("end", () => respond(response, answer, dates));
      return;
    }

    const forward = () => {
      const upstreamRequest = httpRequest(
        {
          host: upstreamUrl.hostname,
          port: upstreamUrl.port,
          method: request.method,
          path: request.url,
          // Unchanged headers, Host included: the SigV4 signature covers them.
          headers: request.headers,
        },
        (upstream) => {
          if (action?.kind === "drop") {
            upstream.resume();
            upstream.on("end", () => response.socket?.destroy());
            upstream.on("error", () => response.socket?.destroy());
            return;
          }
          if (action?.kind === "afterServer") {
            answerAfterServer(upstream, response, action, dates);
            return;
          }
          response.writeHead(upstream.statusCode ?? 502, dated(upstream.headers, dates, false));
          if (action?.kind === "reset" && action.flushHeaders) response.flushHeaders();
          forwardBody(upstream, response, action);
        },
      );
      upstreamRequest.on("error", () => response.socket?.destroy());
      request.pipe(upstreamRequest);
    };

    if (action?.kind === "before") {
      request.pause();
      action.run().then(forward, () => response.socket?.destroy());
    } else {
      forward();
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    addRule: (rule) => rules.push({ ...rule, left: rule.times ?? 1 }),
    clearRules: () => {
      rules.length = 0;
    },
    setDates: (mode) => {
      dates = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * One fault proxy in front of the test server for all the tests of the file: started before the
 * first, closed after the last. Each test starts with no rules and no requests seen, and its
 * rules are dropped when it ends (requests still in flight then pass untouched), so a test sees
 * only its own faults and requests. Its properties throw outside the file's tests.
 */
export function useFaultProxy(): Omit<FaultProxy, "close"> {
  let proxy: FaultProxy | undefined;
  const current = (): FaultProxy => {
    if (!proxy) throw new Error("useFaultProxy: the proxy runs only during the file's tests");
    return proxy;
  };
  beforeAll(async () => {
    proxy = await startFaultProxy(testServer().endpoint);
  });
  afterAll(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  beforeEach(() => {
    current().clearRules();
    current().setDates("server");
    current().requests.length = 0;
  });
  afterEach(() => {
    current().clearRules();
  });
  return {
    get endpoint() {
      return current().endpoint;
    },
    get requests() {
      return current().requests;
    },
    addRule: (rule) => current().addRule(rule),
    clearRules: () => current().clearRules(),
    setDates: (mode) => current().setDates(mode),
  };
}
