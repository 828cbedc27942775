import { failure, type Target, throwIfAborted } from "../client/context.js";
import { linkAbort } from "../client/link-abort.js";
import type { SseCustomerKey } from "../common/customer-key.js";
import { MAX_OBJECT_SIZE } from "../common/limits.js";
import type { ObjectChecksums } from "../common/object-checksums.js";
import { forEachLimited } from "../common/pool.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { checkPinned } from "./check-pinned.js";
import { DownloadChecksum } from "./download-checksum.js";
import { openObjectStream } from "./open-object-stream.js";
import { TempFile } from "./temp-file.js";

/** What is known about the object before reading it (from a HEAD or a listing). */
export interface KnownObject {
  size: number;
  etag: string | undefined;
  versionId?: string | undefined;
  /** The stored checksums (from a HEAD with checksum mode), to verify the file against. */
  checksums?: ObjectChecksums | undefined;
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
  /** The object's SSE-C key, as the caller gave it (undefined: the scope's). */
  sseCustomerKey?: SseCustomerKey | null | undefined;
}

/** The object and key a download names in its messages. */
type Where = Target & { bucket: string; key: string };

/** One downloadKnownObject under way. */
interface Transfer {
  scope: ScopeRef;
  Key: string;
  known: KnownObject;
  settings: TransferSettings;
  where: Where;
  file: TempFile;
  checksum: DownloadChecksum | undefined;
}

/** A part's bytes: `length` bytes from `offset`; undefined: the whole object. */
type Part = { offset: number; length: number } | undefined;

/**
 * Downloads a full key whose size and ETag are already known (from a HEAD or a listing) into
 * `target`: parallel ranged GETs (or one GET) pinned to the ETag and version, each writing at
 * its offset into a temp file beside the target, renamed onto it once every byte is there.
 * On any failure or abort the temp file is removed and an existing `target` is untouched.
 * With `known.checksums`, the file must match the full-object one (see DownloadChecksum).
 * @throws PreconditionFailedError when the object changed, S3OperationError ("ChecksumMismatch",
 * code "Aborted"
 * on abort, "InvalidResponse" for a size no object can have, before any file is made),
 * ObjectNotFoundError, AccessDeniedError.
 */
export async function downloadKnownObject(
  scope: ScopeRef,
  Key: string,
  target: string,
  known: KnownObject,
  settings: TransferSettings,
): Promise<void> {
  const { context } = scope;
  const where = { operation: settings.operation, bucket: scope.bucketName, key: Key };
  const { signal } = settings;
  throwIfAborted(context, signal, where);
  checkSize(known.size, where);
  const file = new TempFile(target);
  try {
    await file.open().catch((error: unknown) => {
      throw failure(context, error, where);
    });
    const checksum = DownloadChecksum.of(known.checksums);
    await writeParts({ scope, Key, known, settings, where, file, checksum });
    throwIfAborted(context, signal, where);
    checkLength(file.written, known.size, where);
    await checksum?.verify(file, where);
    await file.commit().catch((error: unknown) => {
      throw failure(context, error, where);
    });
  } catch (error) {
    await file.discard();
    throwIfAborted(context, signal, where);
    throw failure(context, error, where);
  }
}

/**
 * Refuses a size no S3 object can have (above MAX_OBJECT_SIZE, or not a whole number of
 * bytes): a store announcing it is answering something else, and no file is made for it.
 * @throws S3OperationError "InvalidResponse".
 */
function checkSize(size: number, where: Where): void {
  if (Number.isSafeInteger(size) && size >= 0 && size <= MAX_OBJECT_SIZE) return;
  throw new S3OperationError(
    `${where.operation} s3://${where.bucket}/${where.key}: the store announced ${size} bytes, which no S3 object can have (at most ${MAX_OBJECT_SIZE}, 50 TB)`,
    { ...where, code: "InvalidResponse" },
  );
}

/** @throws S3OperationError "LengthMismatch" unless every byte of the object was written. */
function checkLength(written: number, size: number, where: Where): void {
  if (written === size) return;
  throw new S3OperationError(
    `${where.operation} s3://${where.bucket}/${where.key}: wrote ${written} bytes, the object has ${size}`,
    { ...where, code: "LengthMismatch" },
  );
}

/**
 * The ranges to fetch, as they are taken: the whole object in one GET (no Range) when it fits
 * in one part.
 */
function* partsOf(size: number, partSize: number, pinned: boolean): Generator<Part> {
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
 * Writes every part into the file, `concurrency` at once. One part failing stops the others
 * at once instead of letting them run to their end; its error is the one thrown.
 */
async function writeParts(transfer: Transfer): Promise<void> {
  const { known, settings } = transfer;
  const { signal } = settings;
  const controller = new AbortController();
  // At once if it aborted while the file was being made: the event has passed then.
  const unlink = linkAbort(signal, controller);
  let firstError: unknown;
  const pinned = known.etag !== undefined || known.versionId !== undefined;
  try {
    await forEachLimited(
      partsOf(known.size, settings.partSize, pinned),
      settings.concurrency,
      async (part) => {
        try {
          await writePart(transfer, part, controller.signal);
        } catch (error) {
          if (firstError === undefined && !controller.signal.aborted) firstError = error;
          controller.abort();
          throw error;
        }
      },
      controller.signal,
    );
  } catch (error) {
    throw firstError ?? error;
  } finally {
    unlink();
  }
}

/** Fetches one part (one GET) and writes it at its offset, as its bytes come. */
async function writePart(transfer: Transfer, part: Part, signal: AbortSignal): Promise<void> {
  const { known, settings, file } = transfer;
  const opened = await openObjectStream(transfer.scope, transfer.Key, {
    range: part,
    ifMatch: known.etag,
    versionId: known.versionId,
    signal,
    operation: settings.operation,
    sseCustomerKey: settings.sseCustomerKey,
  });
  try {
    // Every part must come from the one object pinned (its ETag the stream checked).
    checkPinned(known, opened, transfer.where);
  } catch (error) {
    opened.body.destroy();
    throw error;
  }
  let position = part?.offset ?? 0;
  const hasher = transfer.checksum?.part(position);
  // for await pulls the next chunk only after the write: the file sets the pace.
  for await (const chunk of opened.body) {
    hasher?.update(chunk);
    await file.write(chunk, position);
    position += chunk.byteLength;
    settings.onBytes?.(chunk.byteLength);
  }
  hasher?.done();
}
