import type { ScopeRef } from "../common/scope-ref.js";
import { relativeName } from "../prefix/keys.js";
import type { DeleteFailure, DeleteResult } from "./results.js";

/** @internal Where deletions are recorded. */
export interface Outcome {
  deleted: string[];
  failed: DeleteFailure[];
}

/** @internal An empty outcome. */
export function newOutcome(): Outcome {
  return { deleted: [], failed: [] };
}

/** @internal The failure of `key`, named relative to the scope, with the error's code and message. */
export function failureOf(
  scope: Pick<ScopeRef, "path">,
  key: string,
  error: { code: string; message: string },
): DeleteFailure {
  return { key, name: relativeName(scope.path, key), code: error.code, message: error.message };
}

/** @internal What `deleteMany` and `deleteAll` report once every key is recorded. */
export function resultOf(outcome: Outcome): DeleteResult {
  return { deleted: outcome.deleted, failed: outcome.failed, ok: outcome.failed.length === 0 };
}
