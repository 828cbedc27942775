import { type OpenedSource, whole } from "./opened-source.js";

/** Bytes as an upload source: sent as they are, their length known. */
export function openBytes(source: Uint8Array | ArrayBuffer): OpenedSource {
  if (source instanceof Uint8Array) return whole(source, source.byteLength);
  return whole(new Uint8Array(source), source.byteLength);
}
