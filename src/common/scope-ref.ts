import type { ClientContext } from "../client/context.js";
import { fullKey } from "../prefix/keys.js";
import type { ScopeDefaults } from "./defaults.js";

/**
 * What an operation needs of the scope it runs in: the S3 instance's context, the bucket, the
 * scope's full path ("" or ending in "/") and its write defaults. The handles (Bucket, Prefix)
 * are ScopeRefs; operations take this, never the façade, so they cannot reach back up.
 */
export interface ScopeRef {
  readonly context: ClientContext;
  readonly bucketName: string;
  readonly path: string;
  readonly defaults: ScopeDefaults;
}

/** `key`'s full key under `scope`; a function, not a private method, so that Proxies work. */
export function keyIn(scope: ScopeRef, key: string, operation: string): string {
  return fullKey(scope.path, key, operation, scope.bucketName);
}
