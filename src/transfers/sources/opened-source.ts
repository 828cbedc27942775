/**
 * A source opened for reading: its size if known, its bytes part by part, and how to let go of
 * it. Each kind of source reads its parts its own way (one file a kind, beside this one).
 */
export interface OpenedSource {
  size: number | undefined;
  /**
   * The bytes in parts of `partSize` bytes, the last one maybe shorter; none at all for an
   * empty source. A part is read only when asked for, so the whole source is never in memory. Asked
   * for once per upload; a read left pending when the upload stops ends with `release`.
   */
  parts(partSize: number): AsyncIterable<Uint8Array>;
  /** Why the source is no longer what was opened (a file written meanwhile), if it is not. */
  changed(): Promise<string | undefined>;
  /** Stops reading and frees the source (closes our file, cancels a stream); idempotent. */
  release(): Promise<void>;
}

/** `changed` of a source that cannot change under us (bytes, a Blob, a stream). */
export const unchanged = async (): Promise<string | undefined> => undefined;

/** A source held whole (bytes, a Blob): its size known, nothing to free. */
export function whole(size: number, parts: OpenedSource["parts"]): OpenedSource {
  return { size, parts, changed: unchanged, release: async () => {} };
}
