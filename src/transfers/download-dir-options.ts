import type { ScopeDefaults } from "../common/defaults.js";
import type { OnProgress } from "../common/progress.js";
import { resolveTreeSettings, type TreeSettings } from "./tree-settings.js";

/** Options of `downloadDir`. */
export interface DownloadDirOptions {
  /**
   * Files transferred at once (each with one resumable GET), 1 … 64.
   * @default the scope's `concurrency`, else 8
   */
  concurrency?: number;
  /**
   * Which objects to download, by name relative to the scope.
   * @default `undefined`: every object
   */
  filter?: (name: string) => boolean;
  /** Bytes of the whole tree; `total` is known once the listing has ended. */
  onProgress?: OnProgress;
  /**
   * Cancels the whole tree: the call then rejects with S3OperationError, code "Aborted". Files
   * written until then stay; one being downloaded is left as a cancelled `download` leaves it.
   */
  signal?: AbortSignal;
}

/** Checks downloadDir's options and `dir` before any request. */
export function resolveDownloadDirOptions(
  dir: unknown,
  options: DownloadDirOptions,
  defaults: ScopeDefaults,
): TreeSettings {
  return resolveTreeSettings(dir, options, "downloadDir", defaults);
}
