import type { S3Error } from "../errors/s3-error.js";

/** One file moved by `uploadDir` or `downloadDir`. */
export interface TransferredFile {
  /** Absolute local path. */
  path: string;
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope (= the path relative to the directory, with "/"). */
  name: string;
  /** Bytes transferred: the file's size. */
  size: number;
}

/**
 * What `uploadDir` and `downloadDir` did, file by file: a file that fails does not stop the
 * others. `failed` entries name the local `path` and/or the `key` and `name` as far as they
 * are known (a directory that cannot be read has only a path; a refused key has no path).
 */
export interface DirTransferResult {
  /** The files transferred, in the order they finished. */
  transferred: TransferredFile[];
  /** What could not be transferred: files, unreadable directories, refused keys. */
  failed: {
    /** Absolute local path, when known. */
    path?: string;
    /** Full S3 key, when known. */
    key?: string;
    /** Key relative to the scope, when known. */
    name?: string;
    /** Why it failed. */
    error: S3Error;
  }[];
  /** True when nothing failed. */
  ok: boolean;
  /** Bytes of the transferred files. */
  bytes: number;
  /**
   * Entries left out on purpose, not failures: for downloadDir the zero-byte "folder/"
   * markers (which have no file to become), for uploadDir the symbolic links and special
   * files (sockets, FIFOs, devices). Entries the `filter` leaves out are not counted.
   */
  skipped: number;
}
