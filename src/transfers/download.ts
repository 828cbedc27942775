import { randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { failure, type Target, throwIfAborted } from "../client/context.js";
import {
  checkReadOptions,
  concurrencyOf,
  MAX_TRANSFER_CONCURRENCY,
  progressOption,
  wholeNumber,
} from "../common/checks.js";
import { DEFAULT_PART_SIZE, MAX_OBJECT_SIZE, MAX_PART_SIZE, MiB } from "../common/limits.js";
import { forEachLimited } from "../common/pool.js";
import { type OnProgress, ProgressReporter } from "../common/progress.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { ValidationError } from "../errors/validation-error.js";
import { relativeName } from "../prefix/keys.js";
import { checkPinned } from "./get-object.js";
import { headRaw } from "./head-object.js";
import { openObjectStream } from "./stream.js";

/** Options of `download`. */
export interface DownloadOptions {
  /**
   * Bytes per ranged GET, 1 MiB … 5 GiB; default 8 MiB. An object of at most one part is
   * fetched with one GET, a larger one with parallel ranged GETs.
   */
  partSize?: number;
  /** Ranged GETs at once, 1 … 64; default 8. */
  concurrency?: number;
  /** Download this version. */
  versionId?: string;
  /** Only download when the object has this ETag, else PreconditionFailedError. */
  ifMatch?: string;
  /** Called as bytes reach the file: never goes backwards, ends with loaded === total. */
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** What `download` returns. */
export interface DownloadResult {
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope. */
  name: string;
  /** The absolute path of the file written. */
  path: string;
  size: number;
  /** The ETag the download was pinned to. */
  etag: string | undefined;
}

/** What is known about the object before reading it (from a HEAD or a listing). */
export interface KnownObject {
  size: number;
  etag: string | undefined;
  versionId?: string | undefined;
}

/** How `downloadKnownObject` transfers. */
export interface TransferSettings {
  partSize: number;
  concurrency: number;
  signal?: AbortSignal | undefined;
  /** Fresh bytes written to the file, as they are written. */
  onBytes?: (bytes: number) => void;
  /** The public method, for messages. */
  operation: string;
}

const DEFAULT_CONCURRENCY = 8;
/**
 * Bytes written between background flushes: the datasync before the rename then only has
 * the tail to write, instead of stalling on the whole file at the end.
 */
const FLUSH_EVERY = 32 * MiB;

/** The path to write, absolute; refuses an existing directory before any request. */
export async function checkTarget(path: unknown, operation: string): Promise<string> {
  if (typeof path !== "string" || path === "") {
    throw new ValidationError(`${operation}: the target path must be a non-empty string`, {
      operation,
    });
  }
  const target = resolve(path);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new ValidationError(`${operation}: ${JSON.stringify(path)} is a directory`, {
      operation,
    });
  }
  return target;
}

/** The longest file name (bytes) of ext4, XFS, btrfs, APFS; NTFS counts UTF-16 units, never more. */
const NAME_MAX = 255;

/** The longest start of `text` that fits in `maxBytes` bytes of UTF-8, cut between characters. */
function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/**
 * A hidden, unique temp file beside `target` (so the final rename stays on one file system),
 * named after it but never longer than NAME_MAX bytes: a long target name is shortened.
 */
export function tempPath(target: string): string {
  const suffix = `.${randomBytes(6).toString("hex")}.s3kit-part`;
  const name = utf8Prefix(basename(target), NAME_MAX - 1 - suffix.length);
  return join(dirname(target), `.${name}${suffix}`);
}

/** Writes all of `chunk` at `position` (a positional write may write less than asked). */
async function writeAt(handle: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < chunk.byteLength) {
    const { bytesWritten } = await handle.write(
      chunk,
      done,
      chunk.byteLength - done,
      position + done,
    );
    done += bytesWritten;
  }
}

/**
 * The ranges to fetch, as they are taken: the whole object in one GET (no Range) when it fits
 * in one part.
 */
function* partsOf(
  size: number,
  partSize: number,
  pinned: boolean,
): Generator<{ offset: number; length: number } | undefined> {
  // Without an ETag or version, ranged parts could come from different versions: one GET.
  if (size <= partSize || !pinned) {
    yield undefined;
    return;
  }
  for (let offset = 0; offset < size; offset += partSize) {
    yield { offset, length: Math.min(partSize, size - offset) };
  }
}

/**
 * Refuses a size no S3 object can have (above MAX_OBJECT_SIZE, or not a whole number of
 * bytes): a store announcing it is answering something else, and no file is made for it.
 * @throws S3OperationError "InvalidResponse".
 */
function checkSize(size: number, where: Target & { bucket: string; key: string }): void {
  if (Number.isSafeInteger(size) && size >= 0 && size <= MAX_OBJECT_SIZE) return;
  throw new S3OperationError(
    `${where.operation} s3://${where.bucket}/${where.key}: the store announced ${size} bytes, which no S3 object can have (at most ${MAX_OBJECT_SIZE}, 50 TB)`,
    { ...where, code: "InvalidResponse" },
  );
}

/**
 * Downloads a full key whose size and ETag are already known (from a HEAD or a listing) into
 * `target`: parallel ranged GETs (or one GET) pinned to the ETag and version, each writing at
 * its offset into a temp file beside the target, renamed onto it once every byte is there.
 * On any failure or abort the temp file is removed and an existing `target` is untouched.
 * @throws PreconditionFailedError when the object changed, S3OperationError (code "Aborted"
 * on abort, "InvalidResponse" for a size no object can have, before any file is made),
 * ObjectNotFoundError, AccessDeniedError.
 */
export async function downloadKnownObject(
  scope: ScopeRef,
  Key: string,
  target: string,
  known: KnownObject,
  settings: TransferSettings,
): Promise<DownloadResult> {
  const { context } = scope;
  const where = { operation: settings.operation, bucket: scope.bucketName, key: Key };
  const { signal } = settings;
  throwIfAborted(context, signal, where);
  checkSize(known.size, where);
  const dir = dirname(target);
  const temp = tempPath(target);
  let handle: FileHandle | undefined;
  // One part failing stops the others at once instead of letting them run to their end.
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  let firstError: unknown;
  let written = 0;
  // At most one background flush at a time; its failure resurfaces in the final datasync.
  let flushing: Promise<void> | undefined;
  let unflushed = 0;
  try {
    try {
      await mkdir(dir, { recursive: true });
      handle = await open(temp, "wx");
    } catch (error) {
      throw failure(context, error, where);
    }
    const file = handle;
    const pinned = known.etag !== undefined || known.versionId !== undefined;
    const parts = partsOf(known.size, settings.partSize, pinned);
    await forEachLimited(
      parts,
      settings.concurrency,
      async (range) => {
        try {
          const opened = await openObjectStream(scope, Key, {
            range,
            ifMatch: known.etag,
            versionId: known.versionId,
            signal: controller.signal,
            operation: settings.operation,
          });
          try {
            // Every part must come from the one object pinned (its ETag the stream checked).
            checkPinned(known, opened, where);
          } catch (error) {
            opened.body.destroy();
            throw error;
          }
          let position = range?.offset ?? 0;
          // for await pulls the next chunk only after the write: the file sets the pace.
          for await (const chunk of opened.body as AsyncIterable<Uint8Array>) {
            await writeAt(file, chunk, position);
            position += chunk.byteLength;
            written += chunk.byteLength;
            settings.onBytes?.(chunk.byteLength);
            unflushed += chunk.byteLength;
            if (flushing === undefined && unflushed >= FLUSH_EVERY) {
              unflushed = 0;
              const done = () => {
                flushing = undefined;
              };
              flushing = file.datasync().then(done, done);
            }
          }
        } catch (error) {
          if (firstError === undefined && !controller.signal.aborted) firstError = error;
          controller.abort();
          throw error;
        }
      },
      controller.signal,
    );
    throwIfAborted(context, signal, where);
    if (written !== known.size) {
      throw new S3OperationError(
        `${settings.operation} s3://${scope.bucketName}/${Key}: wrote ${written} bytes, the object has ${known.size}`,
        {
          code: "LengthMismatch",
          bucket: scope.bucketName,
          key: Key,
          operation: settings.operation,
        },
      );
    }
    try {
      // On disk before the rename, so a crash cannot leave a short file under the real name.
      await flushing;
      await file.datasync();
      await file.close();
      handle = undefined;
      await rename(temp, target);
    } catch (error) {
      throw failure(context, error, where);
    }
  } catch (error) {
    await flushing;
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throwIfAborted(context, signal, where);
    throw failure(context, firstError ?? error, where);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  return {
    key: Key,
    name: relativeName(scope.path, Key),
    path: target,
    size: known.size,
    etag: known.etag,
  };
}

/** See Scope.download. */
export async function download(
  scope: ScopeRef,
  Key: string,
  path: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const operation = "download";
  const partSize = wholeNumber(options.partSize, DEFAULT_PART_SIZE, {
    name: "partSize",
    min: MiB,
    max: MAX_PART_SIZE,
    operation,
  });
  const concurrency = concurrencyOf(
    options.concurrency,
    DEFAULT_CONCURRENCY,
    operation,
    MAX_TRANSFER_CONCURRENCY,
  );
  const onProgress = progressOption(options.onProgress, operation);
  const pin = checkReadOptions(options, operation);
  const target = await checkTarget(path, operation);
  const head = await headRaw(scope, Key, { ...pin, signal: options.signal });
  // A store that ignores If-Match answers for whatever object it holds.
  checkPinned(
    { etag: pin.ifMatch, versionId: pin.versionId },
    { etag: head.ETag, versionId: head.VersionId },
    { operation, bucket: scope.bucketName, key: Key },
  );
  const size = head.ContentLength ?? 0;
  const reporter = new ProgressReporter(onProgress, size);
  const result = await downloadKnownObject(
    scope,
    Key,
    target,
    { size, etag: head.ETag, versionId: head.VersionId ?? pin.versionId },
    {
      partSize,
      concurrency,
      signal: options.signal,
      onBytes: (bytes) => reporter.add(bytes),
      operation,
    },
  );
  reporter.finish(size);
  return result;
}
