import { AccessDeniedError } from "./access-denied-error.js";
import { BucketNotFoundError } from "./bucket-not-found-error.js";
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

function codeOf(error: unknown, status: number | undefined): string {
  const code = errorCode(error);
  if (code !== "Unknown" && code !== "UnknownError") return code;
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

/** How deep scrubbing follows nested objects: SDK errors nest two or three levels. */
const SCRUB_DEPTH = 8;

/** Errors, plain objects and arrays: what an error body parser builds. */
function isScrubbable(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  if (value instanceof Error || Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Redacts every string held by `value` and what it holds: own properties, enumerable or not
 * (message, stack, every XML field the SDK copied from an error body such as CanonicalRequest
 * and StringToSign), nested objects and arrays, and `cause` chains. Cycle-safe. Class
 * instances other than errors (the raw HTTP response, sockets) are left alone.
 */
export function scrubDeep(
  value: unknown,
  redact: (text: string) => string,
  seen = new WeakSet<object>(),
  depth = 0,
): void {
  if (!isScrubbable(value) || seen.has(value) || depth > SCRUB_DEPTH) return;
  seen.add(value);
  for (const name of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, name);
    // Getters are not called (they may do anything), except an engine's own `stack` accessor.
    const accessorStack = value instanceof Error && name === "stack" && descriptor?.set;
    if (descriptor === undefined || !("value" in descriptor || accessorStack)) continue;
    const field: unknown = accessorStack ? (value as Error).stack : descriptor.value;
    if (typeof field !== "string") {
      scrubDeep(field, redact, seen, depth + 1);
      continue;
    }
    const clean = redact(field);
    if (clean === field) continue;
    if (descriptor.writable || accessorStack) (value as Record<string, unknown>)[name] = clean;
    else if (descriptor.configurable) Object.defineProperty(value, name, { value: clean });
  }
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
    cause: error,
  };
  scrubDeep(error, redact);

  if ((error as { name?: unknown } | null)?.name === "AbortError") {
    return new S3OperationError(redact(`${where}: aborted`), {
      ...base,
      code: "Aborted",
      retryable: false,
    });
  }
  const status = errorStatus(error);
  const code = codeOf(error, status);
  const ErrorType = classify(code, status);
  const statusText = status === undefined ? "" : ` (HTTP ${status})`;
  const message = redact(`${where} failed: ${code}${statusText}${detailOf(error, code)}`);
  return new ErrorType(message, {
    ...base,
    code,
    status,
    retryable: isTransientError(error),
  });
}
