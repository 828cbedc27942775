import { type OpenedSource, whole } from "./opened-source.js";

/** A Blob (or File) as an upload source: its size known. */
export function openBlob(source: Blob): OpenedSource {
  return whole(source, source.size);
}
