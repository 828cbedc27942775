/** A stream's chunk as bytes: strings (a Readable with an encoding set) are sent as UTF-8. */
function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return new TextEncoder().encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk))
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`the stream gave a chunk that is not bytes (${typeof chunk})`);
}

/**
 * Gathers a stream's chunks into parts of `partSize` bytes (see OpenedSource.parts), copying
 * each byte once, into the part it belongs to. Never a view of a chunk, even when a whole part
 * lies within one: parts are sent (and retried) while later chunks are read, and a stream may
 * refill the buffer it gave before (the review's reused-buffer case), which would change a
 * part already queued. Reads a chunk only when the part it fills is asked for.
 */
export async function* gatherParts(
  chunks: AsyncIterable<unknown>,
  partSize: number,
): AsyncGenerator<Uint8Array> {
  let part: Uint8Array | undefined;
  let filled = 0;
  for await (const chunk of chunks) {
    const bytes = bytesOf(chunk);
    let offset = 0;
    while (offset < bytes.byteLength) {
      if (filled === 0 && bytes.byteLength - offset >= partSize) {
        // A copy: not `bytes.slice`, which on a Node Buffer (a Uint8Array too) is a view.
        yield new Uint8Array(bytes.subarray(offset, offset + partSize));
        offset += partSize;
        continue;
      }
      part ??= new Uint8Array(partSize);
      const taken = Math.min(partSize - filled, bytes.byteLength - offset);
      part.set(bytes.subarray(offset, offset + taken), filled);
      filled += taken;
      offset += taken;
      if (filled === partSize) {
        yield part;
        part = undefined;
        filled = 0;
      }
    }
  }
  if (part !== undefined && filled > 0) yield part.subarray(0, filled);
}
