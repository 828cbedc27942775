import { failure, type Target, throwIfAborted } from "../client/context.js";
import { forEachLimited, isIterable } from "../common/pool.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";
import { runCopy } from "../objects/copy.js";
import type { CopySettings } from "../objects/copy-options.js";
import { type CopyPlan, copyKeys, copyPlan } from "../objects/copy-plan.js";
import { describe } from "../prefix/keys.js";
import { type CopyManyOptions, resolveCopyManyOptions } from "./copy-many-options.js";
import type { CopyFailure, CopyResult } from "./results.js";

/** A copy to make: `[src, dest]` or `{ src, dest }`, keys relative to the scope. */
export type CopyPair =
  | readonly [string, string]
  | {
      /** The key to copy, relative to the scope. */
      readonly src: string;
      /** The key of the copy, relative to the scope (in `destBucket` when given). */
      readonly dest: string;
    };

const operation = "copyMany";

/** The keys of a pair, whichever of the two shapes it has. */
function keysOf(pair: unknown): { src: unknown; dest: unknown } | undefined {
  if (Array.isArray(pair)) return pair.length === 2 ? { src: pair[0], dest: pair[1] } : undefined;
  if (typeof pair === "object" && pair !== null && "src" in pair && "dest" in pair) {
    return { src: pair.src, dest: pair.dest };
  }
  return undefined;
}

/** Checks a pair's shape and keys (resolved like the façade's `copy` does) and plans its copy. */
function planPair(scope: ScopeRef, settings: CopySettings, pair: unknown): CopyPlan {
  const keys = keysOf(pair);
  if (keys === undefined) {
    throw new ValidationError(
      `${operation}: each pair must be [src, dest] or { src, dest }, got ${describe(pair)}`,
      { operation },
    );
  }
  return copyPlan(
    scope,
    settings,
    copyKeys(scope, keys.src, keys.dest, settings.destBucket, operation),
  );
}

function label(value: unknown): string {
  return typeof value === "string" ? value : describe(value);
}

/** Yields the items, ending quietly on an error of the source and keeping it in `state`. */
async function* guarded<P>(
  items: Iterable<P> | AsyncIterable<P>,
  state: { sourceError?: unknown },
): AsyncGenerator<P> {
  try {
    for await (const item of items) yield item;
  } catch (error) {
    state.sourceError = error;
  }
}

/**
 * See Scope.copyMany. Pairs go through one pool, `concurrency` at a time, each copied like
 * `copy` with the shared options. An array of pairs is checked whole before any request; the
 * pairs of any other (async) iterable are checked as they come, and an invalid one fails
 * with a ValidationError in `failed`. Every request of a copy is retried by the SDK within
 * the retry policy; a pair is not retried again on top of that. `copied` counts the pairs
 * copied; `failed` and `failedPairs()` list the others in input order, `failedPairs()` as
 * the very values passed in, so `copyMany(result.failedPairs())` tries them again.
 * @throws ValidationError for bad options, a non-iterable input, or an array holding an
 * invalid pair, before any request; S3OperationError with code "Aborted" when the signal
 * aborts (pairs copied until then stay copied); whatever the iterable throws (as an S3Error),
 * after the copies already started have settled.
 */
export async function copyMany<P extends CopyPair>(
  scope: ScopeRef,
  pairs: Iterable<P> | AsyncIterable<P>,
  options: CopyManyOptions = {},
): Promise<CopyResult<P>> {
  const settings = resolveCopyManyOptions(scope, options, operation);
  if (typeof pairs === "string" || !isIterable(pairs)) {
    throw new ValidationError(
      `${operation}: pairs must be an array or an (async) iterable, got ${describe(pairs)}`,
      { operation },
    );
  }
  if (Array.isArray(pairs)) for (const pair of pairs) planPair(scope, settings.copy, pair);

  const { signal } = settings;
  const target: Target = { operation, bucket: scope.bucketName };
  throwIfAborted(scope.context, signal, target);
  const failures: Array<{ index: number; failure: CopyFailure<P> }> = [];
  const state: { sourceError?: unknown } = {};
  let copied = 0;
  await forEachLimited(
    guarded(pairs, state),
    settings.concurrency,
    async (pair, index) => {
      try {
        await runCopy(scope, planPair(scope, settings.copy, pair));
        copied++;
      } catch (error) {
        const keys = keysOf(pair);
        failures.push({
          index,
          failure: {
            src: label(keys?.src),
            dest: label(keys?.dest),
            pair,
            // failure() passes S3Errors through and wraps anything else into one.
            error: failure(scope.context, error, target),
          },
        });
      }
    },
    signal,
  );
  throwIfAborted(scope.context, signal, target);
  if (state.sourceError !== undefined) throw failure(scope.context, state.sourceError, target);
  const failed = failures.sort((a, b) => a.index - b.index).map((entry) => entry.failure);
  return {
    copied,
    failed,
    ok: failed.length === 0,
    failedPairs: () => failed.map((entry) => entry.pair),
  };
}
