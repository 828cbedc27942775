import type { _Object } from "@aws-sdk/client-s3";
import { relativeName } from "../prefix/keys.js";

/** One object as a listing reports it. */
export interface ObjectSummary {
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope that listed it. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** The ETag as S3 sends it, quotes included. */
  etag: string | undefined;
  /** When the object was last written, as S3 reports it. */
  lastModified: Date | undefined;
  /** Its storage class as the listing reports it, e.g. "STANDARD"; some stores leave it out. */
  storageClass: string | undefined;
}

/** The summary of one listed object, under its decoded full `key`, named relative to `path`. */
export function summaryOf(path: string, key: string, entry: _Object): ObjectSummary {
  return {
    key,
    name: relativeName(path, key),
    size: entry.Size ?? 0,
    etag: entry.ETag,
    lastModified: entry.LastModified,
    storageClass: entry.StorageClass,
  };
}
