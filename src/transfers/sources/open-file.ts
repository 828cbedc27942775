import type { Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { type ClientContext, failure, type Target } from "../../client/context.js";
import { isS3Error } from "../../errors/s3-error.js";
import { ValidationError } from "../../errors/validation-error.js";
import { destroyStream, type OpenedSource } from "./opened-source.js";

/**
 * A local file as an upload source, by path: read through one open handle, whose size is
 * measured at the start and asked again before the commit (see `changed`).
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
    // The handle stays open after the stream ends: it is asked again before the commit.
    const stream = handle.createReadStream({ autoClose: false });
    const changed = async () => whatChanged(stats, await handle.stat());
    const release = async () => {
      await destroyStream(stream);
      await handle.close().catch(() => {});
    };
    return { body: stream, size: stats.size, changed, release };
  } catch (error) {
    await handle.close().catch(() => {});
    throw isS3Error(error) ? error : failure(context, error, target);
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
