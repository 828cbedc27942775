import type { ScopeRef } from "../common/scope-ref.js";
import type { PutResult } from "../common/write-params.js";
import { relativeName } from "../prefix/keys.js";
import type { Written } from "./reconcile.js";

/** What a write of `Key` in `scope` returns, from the object it stored. */
export function putResult(scope: ScopeRef, Key: string, written: Written): PutResult {
  return {
    key: Key,
    name: relativeName(scope.path, Key),
    etag: written.etag,
    ...(written.versionId ? { versionId: written.versionId } : {}),
  };
}
