import { concurrencyOf } from "../common/checks.js";

/** Options of `deleteMany` and `deleteAll`. */
export interface DeleteManyOptions {
  /**
   * DeleteObjects requests (of up to 1000 keys each) in flight at once, 1 … 1000.
   * @default 4
   */
  concurrency?: number;
  /**
   * Cancels the call: it then rejects with S3OperationError, code "Aborted"; the keys
   * deleted until then stay deleted.
   */
  signal?: AbortSignal;
}

/** @internal `DeleteManyOptions` checked, with their defaults. */
export interface DeleteSettings {
  concurrency: number;
  signal: AbortSignal | undefined;
}

/** @internal Checks the options of `deleteMany` or `deleteAll` (`operation`) and fills in the defaults. */
export function resolveDeleteManyOptions(
  options: DeleteManyOptions,
  operation: string,
): DeleteSettings {
  return { concurrency: concurrencyOf(options.concurrency, 4, operation), signal: options.signal };
}
