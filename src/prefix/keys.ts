import { ValidationError } from "../errors/validation-error.js";
import { utf8Length } from "./utf8-length.js";

/** S3's limit on a full object key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/**
 * Joins prefix segments onto a scope path: strips leading and trailing "/" of each segment,
 * skips the empty pieces between slashes, and returns a path that ends in "/" (or "" for no
 * segments at all). A segment that is not a string, is empty after stripping, or contains a
 * "." or ".." piece is a ValidationError.
 */
export function joinPrefix(base: string, segments: readonly unknown[]): string {
  let path = base;
  for (const segment of segments) {
    if (typeof segment !== "string") {
      throw new ValidationError(`prefix segment must be a string, got ${describe(segment)}`, {
        operation: "prefix",
      });
    }
    const pieces = segment.split("/").filter((piece) => piece !== "");
    if (pieces.length === 0) {
      throw new ValidationError(`prefix segment ${JSON.stringify(segment)} is empty`, {
        operation: "prefix",
      });
    }
    for (const piece of pieces) {
      if (piece === "." || piece === "..") {
        throw new ValidationError(
          `prefix segment ${JSON.stringify(segment)} contains "${piece}"; S3 keys have no relative parts`,
          { operation: "prefix" },
        );
      }
      if (!piece.isWellFormed()) {
        throw new ValidationError(
          `prefix segment ${JSON.stringify(segment)} is not valid Unicode`,
          { operation: "prefix" },
        );
      }
    }
    path += `${pieces.join("/")}/`;
  }
  if (utf8Length(path) > MAX_KEY_BYTES) {
    throw new ValidationError(`prefix is longer than ${MAX_KEY_BYTES} UTF-8 bytes`, {
      operation: "prefix",
    });
  }
  return path;
}

/**
 * Splits `prefix()`'s arguments into its segments and its options (a last argument that is a
 * plain object).
 * @throws ValidationError when no segment is given.
 */
export function prefixArguments<O extends object>(
  args: ReadonlyArray<string | O>,
): { segments: unknown[]; options: O | undefined } {
  const last = args.at(-1);
  const hasOptions = typeof last === "object" && last !== null && !Array.isArray(last);
  const segments = hasOptions ? args.slice(0, -1) : [...args];
  if (segments.length === 0) {
    throw new ValidationError("prefix() needs at least one segment", { operation: "prefix" });
  }
  return { segments, options: hasOptions ? (last as O) : undefined };
}

/**
 * Resolves a key relative to a scope path into the full S3 key. The key is taken literally:
 * it must be a non-empty string, must not start with "/", must be valid Unicode, and the
 * full key must fit in 1024 UTF-8 bytes. Otherwise a ValidationError, before any request.
 */
export function fullKey(path: string, key: unknown, operation: string, bucket?: string): string {
  if (typeof key !== "string") {
    throw new ValidationError(`${operation}: key must be a string, got ${describe(key)}`, {
      operation,
      bucket,
    });
  }
  if (key === "") {
    throw new ValidationError(`${operation}: key must not be empty`, { operation, bucket });
  }
  if (key.startsWith("/")) {
    throw new ValidationError(
      `${operation}: key ${JSON.stringify(key)} starts with "/"; keys are relative to their scope`,
      { operation, bucket, key },
    );
  }
  if (!key.isWellFormed()) {
    throw new ValidationError(`${operation}: key ${JSON.stringify(key)} is not valid Unicode`, {
      operation,
      bucket,
    });
  }
  const full = path + key;
  const bytes = utf8Length(full);
  if (bytes > MAX_KEY_BYTES) {
    throw new ValidationError(
      `${operation}: key is ${bytes} UTF-8 bytes with its prefix; S3 allows ${MAX_KEY_BYTES}`,
      { operation, bucket, key: full.slice(0, 64) },
    );
  }
  return full;
}

/** The part of a full key below a scope path ("logs/2025/app.log" under "logs/" → "2025/app.log"). */
export function relativeName(path: string, key: string): string {
  return key.startsWith(path) ? key.slice(path.length) : key;
}

/**
 * Checks a bucket name: 1–255 characters of letters, digits, ".", "-" and "_". This admits
 * the legacy names some stores and old us-east-1 buckets use, and refuses what would break
 * the request path, such as "/" or spaces.
 */
export function checkBucketName(name: unknown, operation: string): string {
  if (typeof name !== "string" || !/^[A-Za-z0-9._-]{1,255}$/.test(name)) {
    throw new ValidationError(
      `${operation}: invalid bucket name ${typeof name === "string" ? JSON.stringify(name) : describe(name)}`,
      { operation },
    );
  }
  return name;
}

/** A short description of an unexpected value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
}
