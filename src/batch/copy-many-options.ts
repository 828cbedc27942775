import { concurrencyOf } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import {
  type CopyOptions,
  type CopySettings,
  resolveCopyOptions,
} from "../objects/copy-options.js";

/**
 * Options of `copyMany`: those of `copy` applied to every pair, except that `concurrency`
 * counts pairs copied at once (default 8); a multipart copy among them copies 4 parts at once.
 */
export interface CopyManyOptions extends Omit<CopyOptions, "concurrency" | "sourceVersionId"> {
  /**
   * Pairs copied at once, 1 … 1000.
   * @default 8
   */
  concurrency?: number;
}

/** @internal The options of a `copyMany`, checked and complete. */
export interface CopyManySettings {
  /** Pairs copied at once. */
  concurrency: number;
  /** The settings every pair's copy shares. */
  copy: CopySettings;
  signal: AbortSignal | undefined;
}

/**
 * @internal Checks the options of a `copyMany`: its pair concurrency, then those of the copies.
 * @throws ValidationError, before any request.
 */
export function resolveCopyManyOptions(
  scope: ScopeRef,
  options: CopyManyOptions,
  operation: string,
): CopyManySettings {
  const { concurrency, ...copyOptions } = options;
  return {
    concurrency: concurrencyOf(concurrency, 8, operation),
    copy: resolveCopyOptions(scope, copyOptions, operation),
    signal: options.signal,
  };
}
