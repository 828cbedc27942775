import type { ClientContext } from "../client/context.js";
import type { CorsRule } from "../common/cors-rules.js";
import type { ScopeDefaults } from "../common/defaults.js";
import { withSignal } from "../common/signal.js";
import type { ExistsOptions } from "../objects/head.js";
import { bucketRegion } from "../settings/bucket-region.js";
import { type CorsOptions, deleteCors, getCors, setCors } from "../settings/cors.js";
import { type BucketFactOptions, headBucket } from "../settings/head-bucket.js";
import {
  setVersioning,
  type VersioningOptions,
  type VersioningState,
  versioning,
} from "../settings/versioning.js";
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
   * Whether the bucket exists, by HeadBucket: true on 200, false on 404 (NoSuchBucket); a
   * bucket in another region is followed there (README, "Bucket facts"). With a `key`, whether
   * that object exists, as on every scope.
   * @throws AccessDeniedError on 403: the bucket exists but these credentials may not list it
   * (someone else's bucket, or no s3:ListBucket); S3 does not say which. S3OperationError.
   */
  override exists(options?: BucketFactOptions): Promise<boolean>;
  override exists(key: string, options?: ExistsOptions): Promise<boolean>;
  override async exists(
    ...args: [BucketFactOptions?] | [string, ExistsOptions?]
  ): Promise<boolean> {
    const [first, second] = args;
    // A key that is there but no string (undefined, null) is a bad key, never the bucket.
    if (args.length > 0 && (typeof first !== "object" || first === null)) {
      return super.exists(first as string, second);
    }
    const { signal } = withSignal((first ?? {}) as BucketFactOptions, "exists");
    return (await headBucket(this.context, this.name, signal)) !== undefined;
  }

  /**
   * The bucket's region: GetBucketLocation's, "us-east-1" for its empty answer and "eu-west-1"
   * for the legacy "EU"; when GetBucketLocation is refused, the region HeadBucket names (AWS
   * names it even to a 403). A store without regions answers its own name for it (MinIO: the
   * region it runs as; R2: "auto").
   * @throws BucketNotFoundError, AccessDeniedError (when neither request tells), S3OperationError.
   */
  async region(options?: BucketFactOptions): Promise<string> {
    return bucketRegion(this, withSignal(options, "region"));
  }

  /**
   * Replaces the bucket's CORS rules: which web pages of other origins may send requests to it
   * and read the answers (README, "Browser uploads"). `setCors([])` removes them all.
   * CORS only decides what a page may read: it keeps no upload out (a form POST from any origin
   * is still stored); the presigned link or POST policy does.
   * @throws ValidationError for invalid rules, before any request; BucketNotFoundError,
   * AccessDeniedError, S3OperationError (code "NotImplemented" from a store without bucket
   * CORS, such as MinIO, whose CORS is server-wide).
   */
  async setCors(rules: readonly CorsRule[], options?: CorsOptions): Promise<void> {
    return setCors(this, rules, withSignal(options, "setCors"));
  }

  /**
   * The bucket's CORS rules, `[]` when it has none.
   * @throws BucketNotFoundError, AccessDeniedError, S3OperationError.
   */
  async getCors(options?: CorsOptions): Promise<CorsRule[]> {
    return getCors(this, withSignal(options, "getCors"));
  }

  /**
   * Removes the bucket's CORS rules; a bucket without any succeeds.
   * @throws BucketNotFoundError, AccessDeniedError, S3OperationError ("NotImplemented" as for
   * `setCors`).
   */
  async deleteCors(options?: CorsOptions): Promise<void> {
    return deleteCors(this, withSignal(options, "deleteCors"));
  }

  /**
   * Turns versioning on (`true`: Enabled) or suspends it (`false`: Suspended; a bucket once
   * versioned cannot go back to unversioned). README, "Versions".
   * @throws ValidationError for anything but a boolean; BucketNotFoundError,
   * AccessDeniedError, S3OperationError.
   */
  async setVersioning(enabled: boolean, options?: VersioningOptions): Promise<void> {
    return setVersioning(this, enabled, withSignal(options, "setVersioning"));
  }

  /**
   * The bucket's versioning: "enabled", "suspended", or "off" (never enabled).
   * @throws BucketNotFoundError, AccessDeniedError, S3OperationError.
   */
  async versioning(options?: VersioningOptions): Promise<VersioningState> {
    return versioning(this, withSignal(options, "versioning"));
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
