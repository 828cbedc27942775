import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { failure, type Target } from "../client/context.js";
import { functionOption, progressOption, transferConcurrencyOf } from "../common/checks.js";
import type { ScopeDefaults } from "../common/defaults.js";
import type { OnProgress } from "../common/progress.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { orScope } from "../common/transfer-defaults.js";
import { ValidationError } from "../errors/validation-error.js";

/** The options uploadDir and downloadDir share, as the user gives them. */
export interface TreeOptions {
  concurrency?: number;
  filter?: (name: string) => boolean;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** The checked settings uploadDir and downloadDir share. */
export interface TreeSettings {
  /** The local directory, absolute. */
  root: string;
  /** Files transferred at once. */
  concurrency: number;
  /** Which files to transfer, by name relative to the scope; undefined: all. */
  filter: ((name: string) => boolean) | undefined;
  /** Bytes of the whole tree. */
  onProgress: OnProgress | undefined;
  signal: AbortSignal | undefined;
}

const DEFAULT_CONCURRENCY = 8;

/**
 * Checks the options uploadDir and downloadDir share, and `dir`, before anything is read; the
 * scope's `defaults` fill in concurrency.
 */
export function resolveTreeSettings(
  dir: unknown,
  options: TreeOptions,
  operation: string,
  defaults: Pick<ScopeDefaults, "concurrency">,
): TreeSettings {
  const concurrency = transferConcurrencyOf(
    orScope(options.concurrency, defaults.concurrency),
    DEFAULT_CONCURRENCY,
    operation,
  );
  const filter = functionOption<(name: string) => boolean>(options.filter, "filter", operation);
  const onProgress = progressOption(options.onProgress, operation);
  if (typeof dir !== "string" || dir === "") {
    throw new ValidationError(`${operation}: dir must be a non-empty string`, { operation });
  }
  return { root: resolve(dir), concurrency, filter, onProgress, signal: options.signal };
}

/**
 * The stats of a tree's `root`, or undefined when it is missing: the errors whose code is in
 * `missing` are bad input; EACCES and the like are failures to report as such.
 */
export async function statRoot(
  scope: ScopeRef,
  root: string,
  where: Target,
  missing: readonly string[],
): Promise<Stats | undefined> {
  return stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== undefined && missing.includes(error.code)) return undefined;
    throw failure(scope.context, error, where);
  });
}

/** The error for a `dir` that names something other than a directory. */
export function notADirectory(dir: string, operation: string): ValidationError {
  return new ValidationError(`${operation}: ${JSON.stringify(dir)} is not a directory`, {
    operation,
  });
}
