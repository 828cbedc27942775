import { objectChecksums, verifyBytes } from "../common/object-checksums.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { type ObjectStream, openObjectStream } from "../transfers/open-object-stream.js";
import type { StreamOptions } from "../transfers/resolve-stream-options.js";

/** Options of the whole-object reads: those of `stream()` but `idleTimeout`. */
export interface GetOptions extends Omit<StreamOptions, "idleTimeout"> {}

/**
 * The most bytes `getBytes` returns: 2 GiB − 1, the largest single allocation every engine
 * s3kit runs on can make (V8 on Node 20 stops at 4 GiB, older and 32-bit engines at
 * 2 GiB − 1). Larger objects are for `stream()` or `download()`.
 */
export const MAX_BYTES = 2 ** 31 - 1;

/**
 * The most bytes `getText` and `getJson` read: V8's longest string is 536,870,888 UTF-16
 * units (2^29 − 24; JavaScriptCore allows more), and decoding UTF-8 yields at most one unit
 * per byte, so a body within this many bytes always fits in a string.
 */
export const MAX_TEXT_BYTES = 2 ** 29 - 24;

/**
 * Runs a step that holds the whole body in memory (allocating it, decoding it) and turns its
 * failure into an S3OperationError "TooLarge": a backstop behind the size limits, for an
 * engine or a heap that cannot hold what they let through.
 */
function holding<T>(scope: ScopeRef, Key: string, operation: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw new S3OperationError(
      `${operation} s3://${scope.bucketName}/${Key}: the body cannot be held in memory (${(error as Error)?.message}); read it with stream() or download()`,
      { code: "TooLarge", bucket: scope.bucketName, key: Key, operation, cause: error },
    );
  }
}

/**
 * Reads a whole object (or range) through the resumable stream, so a connection that breaks
 * midway costs a ranged re-request, not the whole object, and the body is always consumed or
 * destroyed. The result owns its ArrayBuffer exactly (never a view into a shared pool).
 */
async function readAll(
  scope: ScopeRef,
  Key: string,
  options: GetOptions,
  operation: string,
  maxLength: number,
): Promise<Uint8Array> {
  // A whole object is checked against its checksum; a range has none to check against.
  const checksums = options.range === undefined;
  const read = { ...options, operation, maxLength, whole: true, checksums };
  const opened = await openObjectStream(scope, Key, read);
  // A small body that came whole is taken at once, without another promise.
  const bytes = opened.whole() ?? (await readWhole(scope, Key, operation, opened));
  if (checksums) {
    const where = { operation, bucket: scope.bucketName, key: Key };
    const verifying = verifyBytes(bytes, objectChecksums(opened.response), where);
    if (verifying) await verifying;
  }
  return bytes;
}

/**
 * The whole body of an opened read in one Uint8Array that owns its ArrayBuffer exactly; the
 * body is consumed or destroyed.
 */
export async function readWhole(
  scope: ScopeRef,
  Key: string,
  operation: string,
  opened: ObjectStream,
): Promise<Uint8Array> {
  const whole = opened.whole();
  if (whole !== undefined) return whole;
  const { body, length } = opened;
  const allocate = (size: number) => holding(scope, Key, operation, () => new Uint8Array(size));
  try {
    // The stream delivers exactly `length` bytes when it is known, never more.
    if (length !== undefined) return await fill(allocate(length), body);
    // No Content-Length: gather the chunks, then copy them into one array of the right size.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of body) {
      chunks.push(chunk);
      total += chunk.length;
    }
    return await fill(allocate(total), chunks);
  } finally {
    // Frees the connection when the allocation failed before the body was read.
    body.destroy();
  }
}

/** Copies `chunks` one after the other into `bytes`, which they fill exactly. */
async function fill(
  bytes: Uint8Array,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<Uint8Array> {
  let offset = 0;
  for await (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** See Scope.getBytes. */
export function getBytes(
  scope: ScopeRef,
  key: string,
  options: GetOptions = {},
): Promise<Uint8Array> {
  return readAll(scope, key, options, "getBytes", MAX_BYTES);
}

/** Reads a whole object as UTF-8 text (invalid bytes become U+FFFD). */
async function readText(
  scope: ScopeRef,
  Key: string,
  options: GetOptions,
  operation: string,
): Promise<string> {
  const bytes = await readAll(scope, Key, options, operation, MAX_TEXT_BYTES);
  return holding(scope, Key, operation, () => new TextDecoder().decode(bytes));
}

/** See Scope.getText. */
export async function getText(
  scope: ScopeRef,
  Key: string,
  options: GetOptions = {},
): Promise<string> {
  return readText(scope, Key, options, "getText");
}

/** See Scope.getJson. */
export async function getJson<T>(
  scope: ScopeRef,
  Key: string,
  options: GetOptions = {},
): Promise<T> {
  const text = await readText(scope, Key, options, "getJson");
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new S3OperationError(
      `getJson s3://${scope.bucketName}/${Key}: the object is not valid JSON (${(error as Error).message})`,
      {
        code: "InvalidJson",
        bucket: scope.bucketName,
        key: Key,
        operation: "getJson",
        retryable: false,
        cause: error,
      },
    );
  }
}
