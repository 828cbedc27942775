import { isPlainObject, scrubbedError } from "../errors/map-error.js";
import type { Stack } from "./command-middleware.js";
import { type Logger, log } from "./logger.js";
import { withoutBudgetWrapper } from "./retry-budget.js";
import type { Secrets } from "./secrets.js";

type Middleware = Parameters<Stack["add"]>[0];

/** Where one HTTP attempt went, for its log line. */
export interface AttemptFields {
  operation: string | undefined;
  bucket: unknown;
  key: unknown;
  attempt: number | undefined;
}

/**
 * The one request log line of an attempt that `started` (performance.now()) and ended with
 * an answer (`response`) or an `error`. Headers and bodies are never logged, so neither are
 * credentials.
 */
export function logAttempt(
  logger: Logger,
  fields: AttemptFields,
  started: number,
  outcome: { response: unknown } | { error: unknown },
): void {
  const durationMs = Math.round(performance.now() - started);
  if ("response" in outcome) {
    const response = outcome.response as { statusCode?: number; headers?: Record<string, string> };
    log(logger, "debug", "s3kit request", {
      ...fields,
      status: response.statusCode,
      requestId: response.headers?.["x-amz-request-id"],
      durationMs,
    });
    return;
  }
  const e = outcome.error as {
    name?: string;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  log(logger, "debug", "s3kit request failed", {
    ...fields,
    error: e?.name,
    status: e?.$metadata?.httpStatusCode,
    requestId: e?.$metadata?.requestId,
    durationMs,
  });
}

/** The request-log middleware: one debug line per HTTP request (every attempt), see logAttempt. */
function requestLog(logger: Logger): Middleware {
  return (next, context) => async (args) => {
    const started = performance.now();
    const input = args.input as { Bucket?: unknown; Key?: unknown };
    const request = args.request as { headers?: Record<string, string> } | undefined;
    const attempt = /attempt=(\d+)/.exec(request?.headers?.["amz-sdk-request"] ?? "")?.[1];
    const fields = {
      operation: context.commandName?.replace(/Command$/, ""),
      bucket: input.Bucket,
      key: input.Key,
      attempt: attempt === undefined ? undefined : Number(attempt),
    };
    try {
      const result = await next(args);
      logAttempt(logger, fields, started, { response: result.response });
      return result;
    } catch (error) {
      logAttempt(logger, fields, started, { error });
      throw error;
    }
  };
}

/** Adds the request log to one command's stack (see `withCommandMiddleware`). */
export function addRequestLog(stack: Stack, logger: Logger): void {
  stack.add(requestLog(logger), {
    step: "deserialize",
    name: "s3kitRequestLog",
    priority: "high",
    override: true,
  });
}

type SdkLogger = Partial<Record<"trace" | "debug" | "info" | "warn" | "error", unknown>>;

/** The name of an object's class, for the placeholder that stands in for it in a log call. */
function placeholder(value: object): string {
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return `[${typeof name === "string" && name !== "" ? name : "object"}]`;
}

/**
 * One argument of an SDK log call as the caller's own SDK logger may see it. Strings are
 * redacted; plain objects and arrays are copied with their strings redacted (they hold the
 * command's input and output, which must stay as they are); an error is the real one (not
 * s3kit's retry-budget wrapper) as s3kit hands it on as a cause: scrubbed in place, or a
 * redacted copy when it holds a secret read-only (see `scrubbedError`). A Date stays as it
 * is; any other class instance becomes a placeholder naming its class ("[IncomingMessage]"):
 * a stream (GetObject's Body, a PutObject's) holds the request that carried it, signed
 * headers and session token included, and no other class can be told safe to copy.
 */
function loggable(value: unknown, secrets: Secrets, copies = new Map<object, unknown>()): unknown {
  if (typeof value === "string") return secrets.redact(value);
  if (typeof value !== "object" || value === null) return value;
  if (copies.has(value)) return copies.get(value);
  if (value instanceof Error) {
    const error = scrubbedError(withoutBudgetWrapper(value), (text) => secrets.redact(text));
    copies.set(value, error);
    return error;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const item of value) copy.push(loggable(item, secrets, copies));
    return copy;
  }
  if (value instanceof Date) return value;
  if (!isPlainObject(value)) return placeholder(value);
  const copy: Record<string, unknown> = {};
  copies.set(value, copy);
  for (const [name, field] of Object.entries(value)) copy[name] = loggable(field, secrets, copies);
  return copy;
}

/**
 * The SDK's logger for one s3kit command: every call still reaches the client's own logger
 * (a no-op unless its owner configured one), redacted (see `loggable`), and warnings go to
 * s3kit's logger as well. The SDK writes a warning to the console itself when it only finds
 * its no-op logger (e.g. "a Stream of unknown length" for an empty PutObject body); s3kit's
 * requests never do.
 */
function sdkLogger(
  own: SdkLogger | undefined,
  logger: Logger | undefined,
  secrets: Secrets,
): SdkLogger {
  const forward =
    (level: keyof SdkLogger) =>
    (...content: unknown[]) => {
      const method = own?.[level];
      if (typeof method !== "function" || isNoOpLogger(own)) return;
      method.apply(
        own,
        content.map((item) => loggable(item, secrets)),
      );
    };
  return {
    trace: forward("trace"),
    debug: forward("debug"),
    info: forward("info"),
    error: forward("error"),
    warn: (...content: unknown[]) => {
      forward("warn")(...content);
      log(logger, "warn", "s3kit sdk warning", { warning: content.map(String).join(" ") });
    },
  };
}

/**
 * Whether a client's logger is the SDK's default, which drops everything: then nothing is
 * copied and redacted for it (the SDK logs every output, a listing's thousand entries
 * included, so doing that work for nobody made every page cost more). Known by its class
 * name; a bundle that renamed the class only loses this shortcut.
 */
function isNoOpLogger(own: SdkLogger | undefined): boolean {
  return (
    (own as { constructor?: { name?: string } } | undefined)?.constructor?.name === "NoOpLogger"
  );
}

export function routeSdkLogs(stack: Stack, logger: Logger | undefined, secrets: Secrets): void {
  stack.add(
    (next, context) => (args) => {
      context.logger = sdkLogger(context.logger, logger, secrets) as typeof context.logger;
      return next(args);
    },
    { step: "initialize", name: "s3kitSdkLogger", priority: "high", override: true },
  );
}
