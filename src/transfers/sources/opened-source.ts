import { once } from "node:events";
import type { Readable } from "node:stream";

/** A source opened for reading: the body lib-storage takes, its size if known, and how to let go of it. */
export interface OpenedSource {
  body: Uint8Array | Blob | Readable;
  size: number | undefined;
  /** Why the source is no longer what was opened (a file written meanwhile), if it is not. */
  changed(): Promise<string | undefined>;
  /** Stops reading and frees the source (closes our file, destroys a stream); idempotent. */
  release(): Promise<void>;
}

/** `changed` of a source that cannot change under us (bytes, a Blob, a stream). */
const unchanged = async () => undefined;

/** A source held whole (bytes, a Blob): its size known, nothing to free. */
export function whole(body: Uint8Array | Blob, size: number): OpenedSource {
  return { body, size, changed: unchanged, release: async () => {} };
}

/** Destroys a stream and waits until it has closed; nothing to do once it has. */
export async function destroyStream(stream: Readable): Promise<void> {
  if (stream.closed) return;
  const closed = once(stream, "close").catch(() => {});
  stream.destroy();
  await closed;
}

/**
 * A stream read to its end, its size learnt there. A failed upload leaves it half read;
 * `release` destroys it, as stream.pipeline would.
 */
export function streamed(stream: Readable): OpenedSource {
  return {
    body: stream,
    size: undefined,
    changed: unchanged,
    release: () => destroyStream(stream),
  };
}
