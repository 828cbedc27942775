import { aclOption } from "../common/canned-acl.js";
import type { ScopeDefaults } from "../common/defaults.js";
import type { OnProgress } from "../common/progress.js";
import type { WriteOptions } from "../common/write-params.js";
import { resolveTreeSettings, type TreeSettings } from "./tree-settings.js";

/** Options of `uploadDir`. Write options apply to every file; each file's Content-Type follows its extension. */
export interface UploadDirOptions extends Omit<WriteOptions, "contentType"> {
  /**
   * Files transferred at once (each one request at a time), 1 … 64.
   * @default the scope's `concurrency`, else 8
   */
  concurrency?: number;
  /**
   * Part size of each file's upload; see `upload`.
   * @default the scope's `partSize`, else 16 * 1024 * 1024
   */
  partSize?: number;
  /** "*": do not overwrite; files whose key exists fail with PreconditionFailedError. */
  ifNoneMatch?: "*";
  /**
   * Which files to upload, by relative path with "/" (the name under the scope).
   * @default `undefined`: every file
   */
  filter?: (name: string) => boolean;
  /** Bytes of the whole tree; `total` is known once the walk has found every file. */
  onProgress?: OnProgress;
  /**
   * Cancels the whole tree: the call then rejects with S3OperationError, code "Aborted". Files
   * uploaded until then stay; one being uploaded is left as a cancelled `upload` leaves it.
   */
  signal?: AbortSignal;
}

/** The checked settings of `uploadDir`. */
export interface UploadDirSettings extends TreeSettings {
  /**
   * The options every file's `upload` gets: the user's write options and partSize (checked
   * by `upload`, file by file), one request at a time; the filter and progress are the tree's.
   */
  upload: UploadDirOptions;
}

/** Checks uploadDir's options and `dir` before anything is read. */
export function resolveUploadDirOptions(
  dir: unknown,
  options: UploadDirOptions,
  defaults: ScopeDefaults,
): UploadDirSettings {
  // Each file's upload checks the write options; this one fails the tree before any request.
  aclOption(options.acl, "uploadDir");
  return {
    ...resolveTreeSettings(dir, options, "uploadDir", defaults),
    upload: { ...options, concurrency: 1, filter: undefined, onProgress: undefined },
  };
}
