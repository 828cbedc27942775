import type { ScopeDefaults } from "../common/defaults.js";
import type { Bucket } from "./bucket.js";
import { Scope } from "./scope.js";

/** Options of `prefix()`. */
export interface PrefixOptions {
  /** Write defaults for this prefix and below, merged over the parent's. */
  defaults?: ScopeDefaults;
}

/**
 * A virtual folder: a bucket plus a key prefix that always ends in "/", so `prefix("logs")`
 * never sees "logs-archive/…" or the object "logs". Made by `bucket.prefix(…)`, never by
 * hand; has every operation of a Bucket, with keys relative to `path`.
 */
export class Prefix extends Scope {
  /** The bucket this prefix lives in. */
  readonly bucket: Bucket;

  /** @internal Made by `prefix()` and `folders()`, never by hand. */
  constructor(bucket: Bucket, path: string, defaults: ScopeDefaults) {
    super(bucket.context, bucket.bucketName, path, defaults);
    this.bucket = bucket;
  }

  /** The last segment of the path: "2025" for "logs/2025/". */
  get name(): string {
    return this.path.slice(0, -1).split("/").at(-1) ?? "";
  }
}
