import type { Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { type ClientContext, failure, type Target } from "../../client/context.js";
import { isS3Error } from "../../errors/s3-error.js";
import { ValidationError } from "../../errors/validation-error.js";
import type { OpenedSource } from "./opened-source.js";

/**
 * A local file as an upload source, by path: read through one open handle, a part at a time
 * into the part's own bytes, up to the size measured at the start (and no further, so a file
 * that grows is not read on without end: `changed`, asked before the commit, tells it).
 * @throws ValidationError for an empty path, a missing file or one that is not a regular file.
 */
export async function openFile(
  path: string,
  operation: string,
  context: ClientContext,
  target: Target,
): Promise<OpenedSource> {
  if (path === "") throw new ValidationError(`${operation}: the file path is empty`, { operation });
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ValidationError(`${operation}: no such file ${JSON.stringify(path)}`, {
        operation,
      });
    }
    throw failure(context, error, target);
  }
  try {
    // fstat on the open handle: the size belongs to the very file we read.
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new ValidationError(`${operation}: ${JSON.stringify(path)} is not a regular file`, {
        operation,
      });
    }
    const { size } = stats;
    // The handle stays open after the last part: it is asked again before the commit.
    const changed = async () => whatChanged(stats, await handle.stat());
    // close() waits for a read in progress.
    const release = () => handle.close().catch(() => {});
    return { size, parts: (partSize) => readParts(handle, size, partSize), changed, release };
  } catch (error) {
    await handle.close().catch(() => {});
    throw isS3Error(error) ? error : failure(context, error, target);
  }
}

/** The most bytes one read asks for: Node refuses reads of 2 GiB or more, and a part may be 5 GiB. */
const MAX_READ = 1024 ** 3;

/**
 * The first `size` bytes of the file in parts of `partSize`, each read at its own position
 * into a part of its own. A file that shrank ends early (the size check before the commit
 * then fails).
 */
async function* readParts(
  handle: FileHandle,
  size: number,
  partSize: number,
): AsyncGenerator<Uint8Array> {
  for (let position = 0; position < size; ) {
    const part = new Uint8Array(Math.min(partSize, size - position));
    let filled = 0;
    while (filled < part.byteLength) {
      const length = Math.min(part.byteLength - filled, MAX_READ);
      const { bytesRead } = await handle.read(part, filled, length, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > 0) yield filled === part.byteLength ? part : part.subarray(0, filled);
    if (filled < part.byteLength) return;
    position += filled;
  }
}

/**
 * How a file's contents changed between two fstat calls, if they did: its size or its
 * modification time. Not its ctime, which also moves on a chmod, a new hard link or a rename
 * (a log rotation), none of which touches the bytes.
 */
function whatChanged(before: Stats, after: Stats): string | undefined {
  if (after.size !== before.size)
    return `was modified while it was read (its size went from ${before.size} to ${after.size} bytes)`;
  if (after.mtimeMs !== before.mtimeMs)
    return "was modified while it was read (its modification time changed)";
  return undefined;
}
