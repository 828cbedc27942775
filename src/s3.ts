import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteBucketCommand,
  HeadBucketCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { emptyBucket } from "./batch/empty-bucket.js";
import { Bucket, type BucketOptions } from "./bucket/bucket.js";
import type { Scope } from "./bucket/scope.js";
import { type ClientContext, request, send } from "./client/context.js";
import { withSignal } from "./common/signal.js";
import { connect, type S3Options } from "./connect.js";
import { S3OperationError } from "./errors/s3-operation-error.js";
import { ValidationError } from "./errors/validation-error.js";
import { type BucketInfo, listBuckets } from "./listing/list-buckets.js";
import { checkBucketName } from "./prefix/keys.js";

/** Options of `createBucket`. */
export interface CreateBucketOptions extends BucketOptions {
  /**
   * Region for the bucket's LocationConstraint.
   * @default the client's `region`
   */
  region?: string;
  /**
   * Cancels the call: it then rejects with S3OperationError, code "Aborted" (a CreateBucket
   * cancelled once sent may still have created the bucket).
   */
  signal?: AbortSignal;
}

/** Options of `deleteBucket`. */
export interface DeleteBucketOptions {
  /**
   * Delete every object and abort every incomplete upload first.
   * @default false
   */
  force?: boolean;
  /**
   * Cancels the call, also while `force` empties the bucket: it then rejects with
   * S3OperationError, code "Aborted"; what was deleted until then stays deleted.
   */
  signal?: AbortSignal;
}

/**
 * The entry point: one S3 (or S3-compatible) connection, and the factory of its Bucket
 * handles. Creating it sends no request.
 *
 * ```ts
 * const s3 = new S3({ region: "us-east-1" });
 * await s3.bucket("my-bucket").put("config.json", { env: "prod" });
 * ```
 * @throws ValidationError for invalid options.
 */
export class S3 {
  /** The underlying AWS SDK client, for anything s3kit does not cover. */
  readonly client: S3Client;
  readonly #context: ClientContext;
  readonly #ownsClient: boolean;
  /** The S3-wide `requestPayer`: the first default of every bucket. */
  readonly #requestPayer: boolean;

  constructor(options: S3Options = {}) {
    const { client, context, ownsClient, requestPayer } = connect(options);
    this.client = client;
    this.#context = context;
    this.#ownsClient = ownsClient;
    this.#requestPayer = requestPayer;
  }

  /**
   * The handle of a bucket; sends no request.
   * @throws ValidationError for an invalid bucket name or defaults.
   */
  bucket(name: string, options: BucketOptions = {}): Bucket {
    const checked = checkBucketName(name, "bucket");
    const defaults = options.defaults ?? {};
    // The S3-wide setting is inherited as a bucket's own default, which the bucket's may turn off.
    const inherited = this.#requestPayer
      ? { ...defaults, requestPayer: defaults.requestPayer ?? true }
      : defaults;
    return new Bucket(this.#context, checked, inherited);
  }

  /**
   * The scope an s3:// URL names: `s3://b` → Bucket b, `s3://b/a/c/` → its Prefix "a/c/".
   * The path is taken literally (no percent-decoding), as the AWS CLI writes it.
   * @throws ValidationError for anything but an s3:// URL with a valid bucket name.
   */
  fromUrl(url: string): Scope {
    if (typeof url !== "string" || !url.startsWith("s3://")) {
      throw new ValidationError(`fromUrl: ${JSON.stringify(url)} is not an s3:// URL`, {
        operation: "fromUrl",
      });
    }
    const rest = url.slice("s3://".length);
    const slash = rest.indexOf("/");
    const bucketName = slash === -1 ? rest : rest.slice(0, slash);
    const path = slash === -1 ? "" : rest.slice(slash + 1);
    const bucket = this.bucket(bucketName);
    return path.replace(/\/+/g, "") === "" ? bucket : bucket.prefix(path);
  }

  /**
   * Every bucket the credentials can see.
   * @throws AccessDeniedError, S3OperationError.
   */
  async listBuckets(options: { signal?: AbortSignal } = {}): Promise<BucketInfo[]> {
    const { signal } = withSignal(options, "listBuckets");
    return listBuckets(this.#context, signal);
  }

  /**
   * Creates a bucket and returns its handle. Creating a bucket you already own succeeds: on
   * BucketAlreadyOwnedByYou, and on BucketAlreadyExists (what some stores, s3rver among them,
   * answer for your own bucket) when a HeadBucket of it then answers 200.
   * @throws ValidationError for an invalid name; S3OperationError (BucketAlreadyExists when
   * someone else owns the name), AccessDeniedError.
   */
  async createBucket(name: string, options: CreateBucketOptions = {}): Promise<Bucket> {
    const bucket = this.bucket(name, options);
    const { signal } = withSignal(options, "createBucket");
    try {
      await request(
        this.#context,
        { operation: "CreateBucket", bucket: name },
        async (client, http) => {
          // Resolving the region can fail too (none configured): inside, so it is an S3Error.
          const region = options.region ?? (await client.config.region());
          const constraint =
            region && region !== "us-east-1" ? (region as BucketLocationConstraint) : undefined;
          return client.send(
            new CreateBucketCommand({
              Bucket: name,
              ...(constraint
                ? { CreateBucketConfiguration: { LocationConstraint: constraint } }
                : {}),
            }),
            http,
          );
        },
        { signal },
      );
    } catch (error) {
      if (!(await this.#alreadyOurs(name, error, signal))) throw error;
    }
    this.#context.knownBuckets.add(name);
    return bucket;
  }

  /**
   * Whether CreateBucket's `error` only says the bucket is already ours. BucketAlreadyExists
   * means someone else's on AWS, but our own on some stores: a HeadBucket that answers 200
   * tells. An abort of that HeadBucket is thrown; its other errors leave `error` standing.
   */
  async #alreadyOurs(name: string, error: unknown, signal: AbortSignal | undefined) {
    if (!(error instanceof S3OperationError)) return false;
    if (error.code === "BucketAlreadyOwnedByYou") return true;
    if (error.code !== "BucketAlreadyExists") return false;
    const target = { operation: "HeadBucket", bucket: name };
    try {
      await send(this.#context, target, new HeadBucketCommand({ Bucket: name }), { signal });
      return true;
    } catch (headError) {
      if (signal?.aborted) throw headError;
      return false;
    }
  }

  /**
   * Deletes a bucket; with `force`, first aborts every incomplete multipart upload and
   * deletes every object in it, old versions and delete markers of a versioned bucket
   * included. The versions are listed again from the start after each page deleted (never
   * from a marker naming what was just deleted) until a listing shows none but those that
   * could not be deleted. A store without ListMultipartUploads or ListObjectVersions (501,
   * 405) is emptied with what it has: without versions, by a plain listing and DeleteObjects.
   * @throws BucketNotFoundError; S3OperationError "BucketNotEmpty": without force, S3's; with
   * force, when something could not be deleted, ours, before any DeleteBucket is sent. Its
   * message names what is left by key (with the version; the first 10, the rest counted) and
   * why: the store's code for it, "NotDeleted" for a version still listed after its delete
   * succeeded (a store that does not URL-encode listed keys lists one it cannot spell with
   * U+FFFD), or "InvalidKeyEncoding" for one whose listed key does not decode.
   */
  async deleteBucket(name: string, options: DeleteBucketOptions = {}): Promise<void> {
    const bucket = this.bucket(name);
    const { signal } = withSignal(options, "deleteBucket");
    if (options.force) await emptyBucket(bucket, signal);
    try {
      await send(
        this.#context,
        { operation: "DeleteBucket", bucket: name },
        new DeleteBucketCommand({ Bucket: name }),
        { signal },
      );
    } finally {
      this.#context.knownBuckets.delete(name);
    }
  }

  /** Closes the connections of the client s3kit built; a client passed in is left open. */
  close(): void {
    if (this.#ownsClient) this.client.destroy();
    this.#context.lean?.close();
  }

  /** `using s3 = new S3()` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }
}
