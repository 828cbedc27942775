import { MAX_PRESIGN_SECONDS } from "../client/presign-url.js";
import { ValidationError } from "../errors/validation-error.js";
import { describe } from "../prefix/keys.js";
import { MAX_PART_SIZE, MIN_PART_SIZE } from "./limits.js";
import type { OnProgress } from "./progress.js";

/** setTimeout's longest delay in ms (2^31 − 1): a longer one fires at once. */
export const MAX_TIMER = 2_147_483_647;

/** A whole-number option's rule: its name, bounds, unit (for the message) and operation. */
export interface NumberRule {
  name: string;
  min: number;
  max: number;
  operation: string;
  unit?: string;
}

/**
 * Checks an optional whole-number option and returns it, or `fallback` when it is undefined.
 * @throws ValidationError when it is not an integer from `min` to `max`.
 */
export function wholeNumber(value: unknown, fallback: number, range: NumberRule): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !Number.isSafeInteger(value) ||
    value < range.min ||
    value > range.max
  ) {
    const unit = range.unit ? ` of ${range.unit}` : "";
    const bounds =
      range.max === Number.MAX_SAFE_INTEGER
        ? `≥ ${range.min}`
        : `from ${range.min} to ${range.max}`;
    throw new ValidationError(
      `${range.operation}: ${range.name} must be a whole number${unit} ${bounds}`,
      { operation: range.operation },
    );
  }
  return value;
}

/**
 * The most requests a transfer (upload, download, directories, abortUploads) runs at once:
 * each holds a part or a connection, so more would only queue on the socket pool.
 */
export const MAX_TRANSFER_CONCURRENCY = 64;

/** Checks a `concurrency` option: a whole number from 1 to `max` (1000; 64 for transfers). */
export function concurrencyOf(
  value: unknown,
  fallback: number,
  operation: string,
  max = 1000,
): number {
  return wholeNumber(value, fallback, { name: "concurrency", min: 1, max, operation });
}

/** Checks a transfer's `concurrency` option: a whole number from 1 to MAX_TRANSFER_CONCURRENCY. */
export function transferConcurrencyOf(value: unknown, fallback: number, operation: string): number {
  return concurrencyOf(value, fallback, operation, MAX_TRANSFER_CONCURRENCY);
}

/**
 * Checks a `partSize` option: a whole number of bytes from `min` (S3's part minimum, 5 MiB, by
 * default) to S3's part maximum (5 GiB); `fallback` when it is undefined.
 */
export function partSizeOption(
  value: unknown,
  fallback: number,
  operation: string,
  min = MIN_PART_SIZE,
): number {
  return wholeNumber(value, fallback, { name: "partSize", min, max: MAX_PART_SIZE, operation });
}

/** Checks an optional number option of the S3 constructor: a finite number, `min` … `max`. */
export function numberOption(value: unknown, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new ValidationError(`S3 options: ${name} must be a number from ${min} to ${max}`, {
      operation: "S3",
    });
  }
}

/** Checks an optional boolean option. */
export function booleanOption(value: unknown, name: string, operation: string): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw new ValidationError(`${operation}: ${name} must be a boolean, got ${describe(value)}`, {
      operation,
    });
  }
}

/** How long a read waits for the next bytes before it resumes, by default: 30 s. */
export const DEFAULT_IDLE_TIMEOUT = 30_000;

/** Checks an `idleTimeout` option (ms, default DEFAULT_IDLE_TIMEOUT). */
export function idleTimeoutOption(value: number | undefined, operation: string): number {
  const idleTimeout = value ?? DEFAULT_IDLE_TIMEOUT;
  // setTimeout fires at once for delays above 2^31-1 ms, which would make every chunk a stall.
  if (!Number.isFinite(idleTimeout) || idleTimeout <= 0 || idleTimeout > MAX_TIMER) {
    throw new ValidationError(`${operation}: idleTimeout must be a positive number of ms`, {
      operation,
    });
  }
  return idleTimeout;
}

/**
 * How long, by default, an abort still waits for a commit already sent (see transfers/commit.ts).
 * Most CompleteMultipartUploads answer within seconds; one that takes longer (S3 may take minutes
 * over many parts) is then cancelled and read back, and may still complete after the call
 * failed with the abort.
 */
export const DEFAULT_ABORT_GRACE = 30_000;

/** Checks an `abortGrace` option (ms; see DEFAULT_ABORT_GRACE). */
export function abortGraceOption(value: unknown, operation: string): number {
  const rule = { name: "abortGrace", min: 0, max: MAX_TIMER, operation };
  return wholeNumber(value, DEFAULT_ABORT_GRACE, rule);
}

/**
 * Checks an `expiresIn` option of presign and presignPost: seconds, 1 … 604800 (SigV4's limit on
 * a presigned URL's life: 7 days), default 3600.
 */
export function expiresInOption(value: unknown, operation: string): number {
  const rule = { name: "expiresIn", unit: "seconds", min: 1, max: MAX_PRESIGN_SECONDS, operation };
  return wholeNumber(value, 3600, rule);
}

/** A SHA-256 in base64: 32 bytes, so 43 characters (the last with its 2 low bits 0) and "=". */
const SHA256_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Checks a `checksumSHA256` option: the body's SHA-256 in base64, as x-amz-checksum-sha256. */
export function checksumSHA256Option(value: unknown, operation: string): string | undefined {
  if (value === undefined || (typeof value === "string" && SHA256_BASE64.test(value))) return value;
  throw new ValidationError(
    `${operation}: checksumSHA256 must be the body's SHA-256 in base64 (44 characters, not hex)`,
    { operation },
  );
}

/** Checks `olderThan` (a Date, or an age in ms) and returns the cutoff time, if any. */
export function olderThanOption(olderThan: unknown): number | undefined {
  if (olderThan === undefined) return undefined;
  if (olderThan instanceof Date && !Number.isNaN(olderThan.getTime())) return olderThan.getTime();
  if (typeof olderThan === "number" && Number.isFinite(olderThan) && olderThan >= 0)
    return Date.now() - olderThan;
  throw new ValidationError(
    "abortUploads: olderThan must be a valid Date or an age in milliseconds ≥ 0",
    { operation: "abortUploads" },
  );
}

/** Checks an optional progress callback. */
export function progressOption(value: unknown, operation: string): OnProgress | undefined {
  return functionOption<OnProgress>(value, "onProgress", operation);
}

/** Checks an optional callback option (`onProgress`, `filter`). */
export function functionOption<F extends (...args: never[]) => unknown>(
  value: unknown,
  name: string,
  operation: string,
): F | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new ValidationError(`${operation}: ${name} must be a function`, { operation });
  }
  return value as F | undefined;
}

/**
 * Checks an optional string that goes into a request (a header or a query parameter).
 * @throws ValidationError unless it is a non-empty, well-formed string without control characters.
 */
export function headerValue(value: unknown, name: string, operation: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "" || /\p{Cc}/u.test(value) || !value.isWellFormed()) {
    throw new ValidationError(
      `${operation}: ${name} must be a non-empty string without control characters`,
      { operation },
    );
  }
  return value;
}

/** A byte range: `length` bytes from `offset`, or everything from `offset` when no length. */
export interface ByteRange {
  /** The first byte to read, counted from 0. */
  offset: number;
  /** How many bytes to read; unset, everything from `offset` to the end of the object. */
  length?: number;
}

/** What a read's options pin it to: an ETag and a version, each when given. */
export interface ReadPin {
  ifMatch: string | undefined;
  versionId: string | undefined;
}

/**
 * Checks the options every read shares before any request: `ifMatch` an ETag string (the rule
 * of conditional writes), `versionId` a non-empty string (`signal` is checked where every
 * public method starts, see `withSignal`). Returns what they pin the read to; `ifMatch: "*"`
 * pins nothing: it only says that the object exists, which any answer to a GET says too (the
 * read pins to the first answer's ETag, as without it).
 */
export function checkReadOptions(
  options: { ifMatch?: unknown; versionId?: unknown },
  operation: string,
): ReadPin {
  checkConditions({ ifMatch: options.ifMatch }, operation);
  const versionId = headerValue(options.versionId, "versionId", operation);
  const ifMatch = options.ifMatch as string | undefined;
  return { ifMatch: ifMatch === "*" ? undefined : ifMatch, versionId };
}

/** Bytes a GET asks for: `start` to `end` inclusive; no `end`: to the object's last byte. */
export interface AskedBytes {
  start: number;
  end: number | undefined;
}

/** The bytes a ByteRange asks for (undefined: the whole object), checking it. */
export function askedBytes(
  range: ByteRange | undefined,
  operation: string,
): AskedBytes | undefined {
  if (range === undefined) return undefined;
  if (typeof range !== "object" || range === null) {
    throw new ValidationError(`${operation}: range must be { offset, length? }`, { operation });
  }
  const rule = { min: 0, max: Number.MAX_SAFE_INTEGER, operation };
  const start = wholeNumber(range.offset ?? -1, 0, { ...rule, name: "range.offset" });
  if (range.length === undefined) return { start, end: undefined };
  const length = wholeNumber(range.length, 1, { ...rule, min: 1, name: "range.length" });
  return { start, end: start + length - 1 };
}

/** Refuses two options that exclude each other (respond's `download` and `inline`), both true. */
export function exclusiveOptions(values: object, [a, b]: [string, string], operation: string) {
  const set = values as Record<string, unknown>;
  if (set[a] !== true || set[b] !== true) return;
  throw new ValidationError(`${operation}: ${a} and ${b} cannot be combined`, { operation });
}

/**
 * Checks the conditional-write options: `ifNoneMatch` only "*", `ifMatch` an ETag, not both.
 * @throws ValidationError.
 */
export function checkConditions(
  options: { ifNoneMatch?: unknown; ifMatch?: unknown },
  operation: string,
): void {
  if (options.ifNoneMatch !== undefined && options.ifNoneMatch !== "*") {
    throw new ValidationError(`${operation}: ifNoneMatch only accepts "*"`, { operation });
  }
  if (options.ifMatch !== undefined && !isHeaderValue(options.ifMatch)) {
    throw new ValidationError(
      `${operation}: ifMatch must be an ETag string (visible ASCII, as S3 gives it)`,
      { operation },
    );
  }
  if (options.ifMatch !== undefined && options.ifNoneMatch !== undefined) {
    throw new ValidationError(`${operation}: ifMatch and ifNoneMatch cannot be combined`, {
      operation,
    });
  }
}

/** An HTTP header name (an RFC 9110 token). */
export const HEADER_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** What an HTTP header value can carry as is: visible ASCII, spaces and tabs (RFC 9110). */
const PRINTABLE_ASCII = /^[\x20-\x7e\t]*$/;
const MAX_METADATA_BYTES = 2048;

/**
 * Checks user metadata: header-safe names, no two differing only in case (HTTP header names
 * are case-insensitive, so the store would keep one of them), ASCII values, 2 KB in all.
 */
export function checkMetadata(metadata: unknown, operation: string): Record<string, string> {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new ValidationError(`${operation}: metadata must be an object of strings`, { operation });
  }
  let bytes = 0;
  const names = new Map<string, string>();
  // The values checked are the ones returned: a getter is read once, so it cannot change after.
  const entries = Object.entries(metadata);
  for (const [name, value] of entries) {
    const clash = names.get(name.toLowerCase());
    if (clash !== undefined) {
      throw new ValidationError(
        `${operation}: metadata names ${JSON.stringify(clash)} and ${JSON.stringify(name)} differ only in case; S3 sends metadata as HTTP headers, whose names ignore case, so only one would be stored`,
        { operation },
      );
    }
    names.set(name.toLowerCase(), name);
    if (!HEADER_TOKEN.test(name)) {
      throw new ValidationError(
        `${operation}: metadata key ${JSON.stringify(name)} is not a valid header name`,
        { operation },
      );
    }
    if (typeof value !== "string" || !PRINTABLE_ASCII.test(value)) {
      throw new ValidationError(
        `${operation}: metadata ${JSON.stringify(name)} must be a printable ASCII string (S3 sends metadata as HTTP headers; encode other text, e.g. with encodeURIComponent)`,
        { operation },
      );
    }
    bytes += name.length + value.length;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new ValidationError(
      `${operation}: metadata is ${bytes} bytes; S3 allows ${MAX_METADATA_BYTES}`,
      { operation },
    );
  }
  return Object.fromEntries(entries);
}

/** Whether `value` can go as an HTTP header value as is: visible ASCII, spaces, tabs; not blank. */
export function isHeaderValue(value: unknown): value is string {
  return typeof value === "string" && PRINTABLE_ASCII.test(value) && value.trim() !== "";
}

/** How to send a file name a Content-Disposition cannot carry as is. */
const DISPOSITION_HINT =
  "give a file name outside ASCII as RFC 8187's filename*=UTF-8''<percent-encoded name> after an ASCII filename=\"…\"; attachmentDisposition(name) builds one";

/**
 * A header value option: undefined, or a string of visible ASCII with spaces and tabs, not
 * blank. Anything else would be refused by Node before sending (ERR_INVALID_CHAR), mangled
 * (Latin-1), or fail the signature.
 * @throws ValidationError saying how to encode other text.
 */
export function headerOption(value: unknown, name: string, operation: string): string | undefined {
  if (value === undefined || isHeaderValue(value)) return value;
  const hint =
    name === "contentDisposition"
      ? DISPOSITION_HINT
      : "percent-encode other text, e.g. with encodeURIComponent";
  throw new ValidationError(
    `${operation}: ${name} must be a non-blank HTTP header value: visible ASCII, spaces and tabs, on one line (${hint})`,
    { operation },
  );
}
