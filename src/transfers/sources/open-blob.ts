import { type OpenedSource, whole } from "./opened-source.js";

/**
 * A Blob (or File) as an upload source, its size known: read a slice a part, only when that
 * part is asked for, so a large File (from disk, say) is never read into memory whole.
 */
export function openBlob(source: Blob): OpenedSource {
  const { size } = source;
  return whole(size, async function* (partSize) {
    for (let offset = 0; offset < size; offset += partSize)
      yield new Uint8Array(await source.slice(offset, offset + partSize).arrayBuffer());
  });
}
