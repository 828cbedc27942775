import { type OpenedSource, whole } from "./opened-source.js";

/** Bytes as an upload source, their length known: each part is a view of them, not a copy. */
export function openBytes(source: Uint8Array | ArrayBuffer): OpenedSource {
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  return whole(bytes.byteLength, async function* (partSize) {
    for (let offset = 0; offset < bytes.byteLength; offset += partSize)
      yield bytes.subarray(offset, offset + partSize);
  });
}
