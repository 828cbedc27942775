import { checkReadOptions, progressOption, type ReadPin } from "../common/checks.js";
import type { CustomerKeyOption } from "../common/customer-key.js";
import type { ScopeDefaults } from "../common/defaults.js";
import { DEFAULT_DOWNLOAD_PART_SIZE, MiB } from "../common/limits.js";
import type { OnProgress } from "../common/progress.js";
import { transferSettings } from "../common/transfer-defaults.js";

/** Options of `download`. */
export interface DownloadOptions extends CustomerKeyOption {
  /**
   * Bytes per ranged GET, 1 MiB … 5 GiB. An object of at most one part is fetched with one
   * GET, a larger one with parallel ranged GETs.
   * @default the scope's `partSize`, else 8 * 1024 * 1024
   */
  partSize?: number;
  /**
   * Ranged GETs at once, 1 … 64.
   * @default the scope's `concurrency`, else 8
   */
  concurrency?: number;
  /** Download this version. */
  versionId?: string;
  /** Only download when the object has this ETag, else PreconditionFailedError. */
  ifMatch?: string;
  /** Called as bytes reach the file: never goes backwards, ends with loaded === total. */
  onProgress?: OnProgress;
  /**
   * Cancels the download: the call then rejects with S3OperationError, code "Aborted"; the
   * temp file is removed and an existing file at the target is left as it was.
   */
  signal?: AbortSignal;
}

/** The checked settings of `download`. */
export interface DownloadSettings {
  partSize: number;
  concurrency: number;
  onProgress: OnProgress | undefined;
  /** The ETag and version the download is pinned to, as asked. */
  pin: ReadPin;
  signal: AbortSignal | undefined;
}

const DEFAULT_CONCURRENCY = 8;

/** Checks download's options before any request; the scope's `defaults` fill in partSize and concurrency. */
export function resolveDownloadOptions(
  options: DownloadOptions,
  defaults: Pick<ScopeDefaults, "partSize" | "concurrency"> = {},
): DownloadSettings {
  const operation = "download";
  const { partSize, concurrency } = transferSettings(options, defaults, {
    operation,
    partSize: DEFAULT_DOWNLOAD_PART_SIZE,
    concurrency: DEFAULT_CONCURRENCY,
    minPartSize: MiB,
  });
  const onProgress = progressOption(options.onProgress, operation);
  const pin = checkReadOptions(options, operation);
  return { partSize, concurrency, onProgress, pin, signal: options.signal };
}
