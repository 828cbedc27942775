import { createHash, randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { MiB } from "../common/limits.js";
import { utf8Length } from "../prefix/utf8-length.js";

/**
 * Bytes written between background flushes: the datasync before the rename then only has
 * the tail to write, instead of stalling on the whole file at the end.
 */
const FLUSH_EVERY = 32 * MiB;

/** The longest file name (bytes) of ext4, XFS, btrfs, APFS; NTFS counts UTF-16 units, never more. */
const NAME_MAX = 255;

/** The longest start of `text` that fits in `maxBytes` bytes of UTF-8, cut between characters. */
function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += utf8Length(char);
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/**
 * A hidden, unique temp file beside `target` (so the final rename stays on one file system),
 * named after it but never longer than NAME_MAX bytes: a long target name is shortened.
 */
function tempPath(target: string): string {
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
 * The file a download writes before it is complete: a hidden temp file beside the target
 * (see `tempPath`), written at any offsets, then renamed onto the target (`commit`) or
 * removed (`discard`), so the target is never a partial file.
 */
export class TempFile {
  readonly path: string;
  readonly #target: string;
  #handle: FileHandle | undefined;
  #written = 0;
  // At most one background flush at a time; its failure resurfaces in the final datasync.
  #flushing: Promise<void> | undefined;
  #unflushed = 0;

  constructor(target: string) {
    this.#target = target;
    this.path = tempPath(target);
  }

  /** Bytes written so far. */
  get written(): number {
    return this.#written;
  }

  /** Creates the file, and the target's directory; fails when the file exists. */
  async open(): Promise<void> {
    await mkdir(dirname(this.#target), { recursive: true });
    // Readable too: a SHA-256 download is read back before the rename (see sha256).
    this.#handle = await open(this.path, "wx+");
  }

  /** Writes all of `chunk` at `position`, flushing in the background every FLUSH_EVERY bytes. */
  async write(chunk: Uint8Array, position: number): Promise<void> {
    const file = this.#handle!;
    await writeAt(file, chunk, position);
    this.#written += chunk.byteLength;
    this.#unflushed += chunk.byteLength;
    if (this.#flushing === undefined && this.#unflushed >= FLUSH_EVERY) {
      this.#unflushed = 0;
      const done = () => {
        this.#flushing = undefined;
      };
      this.#flushing = file.datasync().then(done, done);
    }
  }

  /** The SHA-256 of the bytes written so far, read back from the file in order. */
  async sha256(): Promise<Uint8Array> {
    const file = this.#handle!;
    const hash = createHash("sha256");
    const buffer = new Uint8Array(Math.min(FLUSH_EVERY, Math.max(1, this.#written)));
    for (let position = 0; position < this.#written; ) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    return hash.digest();
  }

  /** Puts the file on disk, closes it and renames it onto the target. */
  async commit(): Promise<void> {
    const file = this.#handle!;
    // On disk before the rename, so a crash cannot leave a short file under the real name.
    await this.#flushing;
    await file.datasync();
    await file.close();
    this.#handle = undefined;
    await rename(this.path, this.#target);
  }

  /** Closes and removes the file, leaving the target untouched; never throws. */
  async discard(): Promise<void> {
    await this.#flushing;
    await this.#handle?.close().catch(() => {});
    await unlink(this.path).catch(() => {});
  }
}
