import { AccessDeniedError } from "./access-denied-error.js";
import { BucketNotFoundError } from "./bucket-not-found-error.js";
import { customerKeyFailure, customerKeyHint } from "./customer-key-failure.js";
import { ObjectNotFoundError } from "./object-not-found-error.js";
import { PreconditionFailedError } from "./precondition-failed-error.js";
import { isS3Error, type S3Error, type S3ErrorDetails } from "./s3-error.js";
import { S3OperationError } from "./s3-operation-error.js";
import { errorCode, errorStatus, isTransientError } from "./transient.js";

/** Where an error happened, for its message and fields. */
export interface ErrorContext {
  operation: string;
  bucket?: string;
  key?: string;
  /** Whether the request sent an SSE-C key for the object it reads (see customerKeyFailure). */
  customerKey?: boolean;
  /** Removes secrets from any text that goes into a message. */
  redact?: (text: string) => string;
}

const accessDeniedCodes = new Set([
  "AccessDenied",
  "SignatureDoesNotMatch",
  "InvalidAccessKeyId",
  "InvalidToken",
  "ExpiredToken",
  "TokenRefreshRequired",
  "AllAccessDisabled",
  "AccountProblem",
]);
const objectNotFoundCodes = new Set(["NoSuchKey", "NotFound", "NoSuchVersion"]);
const preconditionCodes = new Set(["PreconditionFailed", "ConditionalRequestConflict"]);

type ErrorClass = new (message: string, details: S3ErrorDetails) => S3Error;

function classify(code: string, status: number | undefined): ErrorClass {
  if (code === "NoSuchBucket") return BucketNotFoundError;
  if (objectNotFoundCodes.has(code)) return ObjectNotFoundError;
  if (accessDeniedCodes.has(code) || status === 403) return AccessDeniedError;
  if (preconditionCodes.has(code) || status === 412) return PreconditionFailedError;
  return S3OperationError;
}

// A HEAD answer has no body, so the SDK can only call a 403, 412 or 503 to it "Unknown"; the
// status names the error better than that.
const codeForStatus = new Map([
  [403, "AccessDenied"],
  [404, "NotFound"],
  [412, "PreconditionFailed"],
  [500, "InternalError"],
  [503, "ServiceUnavailable"],
]);

/** The SDK's own check of a GetObject body against its x-amz-checksum-* header (no code of its own). */
const SDK_CHECKSUM_MISMATCH = /^Checksum mismatch/;

function codeOf(error: unknown, status: number | undefined): string {
  const code = errorCode(error);
  if (code !== "Unknown" && code !== "UnknownError") return code;
  if (error instanceof Error && SDK_CHECKSUM_MISMATCH.test(error.message))
    return "ChecksumMismatch";
  return (status === undefined ? undefined : codeForStatus.get(status)) ?? code;
}

/** " s3://bucket" or " s3://bucket/key" (nothing without a bucket), for error messages. */
export function describeTarget(context: Pick<ErrorContext, "bucket" | "key">): string {
  if (!context.bucket) return "";
  return context.key === undefined
    ? ` s3://${context.bucket}`
    : ` s3://${context.bucket}/${context.key}`;
}

function detailOf(error: unknown, code: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!message || message === code || message === "UnknownError") return "";
  return `: ${message}`;
}

type Redact = (text: string) => string;

/** An object literal (or one without a prototype), not an instance of some class. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Errors, plain objects and arrays: what an error body parser builds. */
function isScrubbable(value: unknown): value is object {
  return value instanceof Error || Array.isArray(value) || isPlainObject(value);
}

/** The raw HTTP response the SDK hides on its errors as `$response`. */
interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  body?: unknown;
}

function isRawResponse(value: unknown): value is RawResponse {
  const candidate = value as Partial<RawResponse> | null;
  return (
    typeof candidate?.statusCode === "number" &&
    typeof candidate.headers === "object" &&
    candidate.headers !== null
  );
}

/**
 * Scrubs a raw response's body in place: a string or bytes are redacted; a stream that has
 * ended is dropped (nothing is left to read in it, but it still holds the request that was
 * sent, signed headers and session token included). A stream that can still be read is left
 * alone: it is never read or touched.
 */
function scrubBody(response: RawResponse, redact: Redact): void {
  const { body } = response;
  if (typeof body === "string") {
    response.body = redact(body);
  } else if (body instanceof Uint8Array) {
    const text = new TextDecoder().decode(body);
    const clean = redact(text);
    if (clean !== text) response.body = new TextEncoder().encode(clean);
  } else if (typeof (body as { pipe?: unknown } | null)?.pipe === "function") {
    const stream = body as { readableEnded?: boolean; destroyed?: boolean };
    if (stream.readableEnded || stream.destroyed) response.body = undefined;
  }
}

/** An own property's current value, reading no getter but an engine's own `stack` accessor. */
function ownValue(value: object, name: string): { field: unknown } | undefined {
  const descriptor = Object.getOwnPropertyDescriptor(value, name);
  if (descriptor === undefined) return undefined;
  if ("value" in descriptor) return { field: descriptor.value };
  const accessorStack = value instanceof Error && name === "stack" && descriptor.set;
  return accessorStack ? { field: (value as Error).stack } : undefined;
}

/**
 * Replaces one string property (a data property, or the engine's `stack` accessor) with its
 * redacted text, where the property allows it.
 */
function rewrite(value: object, name: string, clean: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(value, name);
  if (descriptor?.writable || descriptor?.set) (value as Record<string, unknown>)[name] = clean;
  else if (descriptor?.configurable) Object.defineProperty(value, name, { value: clean });
}

/**
 * Redacts every string held by `value` and what it holds, however deep: own properties,
 * enumerable or not (message, stack, every XML field the SDK copied from an error body such
 * as CanonicalRequest and StringToSign), nested objects and arrays, `cause` chains, and the
 * raw response the SDK hides as `$response` (its headers, and its body as `scrubBody` says).
 * Cycle-safe; a work list instead of recursion, so no nesting is too deep. Other class
 * instances (sockets, streams) are left alone.
 */
function scrubDeep(value: unknown, redact: Redact): void {
  const seen = new WeakSet<object>();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    if (isRawResponse(current)) {
      scrubBody(current, redact);
      pending.push(current.headers);
    }
    if (!isScrubbable(current)) continue;
    for (const name of Object.getOwnPropertyNames(current)) {
      const own = ownValue(current, name);
      if (typeof own?.field !== "string") {
        pending.push(own?.field);
        continue;
      }
      const clean = redact(own.field);
      if (clean !== own.field) rewrite(current, name, clean);
    }
  }
}

/**
 * Whether `error` still holds a secret in one of its own strings after scrubbing: one the SDK
 * defined read-only and unconfigurable (`$responseBodyText`, the text of an unparsable body).
 */
function holdsStuckSecret(error: object, redact: Redact): boolean {
  return Object.getOwnPropertyNames(error).some((name) => {
    const field = ownValue(error, name)?.field;
    return typeof field === "string" && redact(field) !== field;
  });
}

/**
 * A stand-in for an error that holds a secret it will not let go of (see `holdsStuckSecret`):
 * the same prototype (so the same class) and the same own properties, strings redacted.
 */
function redactedCopy(error: object, redact: Redact): object {
  const copy = Object.create(Object.getPrototypeOf(error)) as object;
  for (const name of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, name);
    if (descriptor === undefined) continue;
    const field = typeof name === "string" ? ownValue(error, name)?.field : undefined;
    if (typeof field === "string") {
      Object.defineProperty(copy, name, {
        value: redact(field),
        enumerable: descriptor.enumerable,
        writable: true,
        configurable: true,
      });
    } else {
      Object.defineProperty(copy, name, descriptor);
    }
  }
  return copy;
}

/**
 * `error` with no secret left in anything it holds: scrubbed in place (see `scrubDeep`), or,
 * when it holds a secret it will not let go of (see `holdsStuckSecret`), a redacted copy.
 * What s3kit hands on, as a cause or to a caller's SDK logger, is this.
 */
export function scrubbedError(error: unknown, redact: Redact): unknown {
  scrubDeep(error, redact);
  const stuck = isScrubbable(error) && holdsStuckSecret(error, redact);
  return stuck ? redactedCopy(error, redact) : error;
}

/**
 * Turns anything thrown by the SDK, the network or our own parsing into the matching
 * `S3Error` subclass, keeping the original as `cause`. An `S3Error` passes through unchanged.
 */
export function toS3Error(error: unknown, context: ErrorContext): S3Error {
  const redact = context.redact ?? ((text: string) => text);
  // One of ours passes through, but what it carries (its cause above all) is scrubbed too.
  if (isS3Error(error)) {
    scrubDeep(error, redact);
    return error;
  }
  const where = `${context.operation}${describeTarget(context)}`;
  const metadata = (error as { $metadata?: { requestId?: string; attempts?: number } } | null)
    ?.$metadata;
  const base = {
    bucket: context.bucket,
    key: context.key,
    operation: context.operation,
    requestId: metadata?.requestId,
    attempts: metadata?.attempts,
    cause: scrubbedError(error, redact),
  };

  if ((error as { name?: unknown } | null)?.name === "AbortError") {
    return new S3OperationError(redact(`${where}: aborted`), {
      ...base,
      code: "Aborted",
      retryable: false,
    });
  }
  const status = errorStatus(error);
  const answered = codeOf(error, status);
  const detail = detailOf(error, answered);
  const { operation, customerKey } = context;
  const keyed = customerKeyFailure(operation, customerKey, {
    code: answered,
    status,
    message: detail,
  });
  const code = keyed?.code ?? answered;
  const ErrorType = classify(code, status);
  const statusText = status === undefined ? "" : ` (HTTP ${status})`;
  const hint = keyed ? `: ${keyed.hint}` : customerKeyHint(operation, customerKey, code);
  const message = redact(`${where} failed: ${code}${statusText}${hint}${detail}`);
  return new ErrorType(message, {
    ...base,
    code,
    status,
    retryable: isTransientError(error),
  });
}
