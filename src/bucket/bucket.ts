import type { ClientContext } from "../client/context.js";
import type { ScopeDefaults } from "../common/defaults.js";
import { Prefix } from "./prefix.js";
import { Scope } from "./scope.js";

/** Options of `s3.bucket(name, options)`. */
export interface BucketOptions {
  /** Write defaults for everything under this bucket. */
  defaults?: ScopeDefaults;
}

/**
 * A bucket: the scope with the empty prefix. Every object operation lives on `Scope`;
 * `s3.bucket(name)` creates one without any request.
 */
export class Bucket extends Scope {
  /** @internal Made by `s3.bucket(name)`, which passes its S3 instance's context. */
  constructor(context: ClientContext, name: string, defaults: ScopeDefaults = {}) {
    super(context, name, "", defaults);
  }

  /** The bucket's name. */
  get name(): string {
    return this.bucketName;
  }

  /** The bucket itself. */
  get bucket(): Bucket {
    return this;
  }

  /**
   * @internal The Prefix handle at a full, already validated path ending in "/". Used by
   * `prefix()` and `folders()`.
   */
  scopeAt(path: string, defaults: ScopeDefaults): Prefix {
    return new Prefix(this, path, defaults);
  }

  /**
   * @internal The Prefix handles of folder paths (see `scopeAt`); a caller that stops early
   * closes the listing behind them.
   */
  async *scopesAt(
    paths: AsyncIterable<string>,
    defaults: ScopeDefaults,
  ): AsyncGenerator<Prefix, void, undefined> {
    for await (const path of paths) yield this.scopeAt(path, defaults);
  }
}
