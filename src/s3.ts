import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteBucketCommand,
  ListBucketsCommand,
  type ListBucketsCommandOutput,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { deleteVersions } from "./batch/delete-versions.js";
import { Bucket, type BucketOptions } from "./bucket/bucket.js";
import type { Scope } from "./bucket/scope.js";
import { withCommandMiddleware } from "./client/command-middleware.js";
import { type ClientContext, request, type Target } from "./client/context.js";
import type { Logger } from "./client/logger.js";
import { addRequestLog, routeSdkLogs } from "./client/request-log.js";
import type { RetryPolicy } from "./client/retry-policy.js";
import { PolicyRetryStrategy } from "./client/retry-strategy.js";
import { recordSigningIdentity, redactingLogger, Secrets } from "./client/secrets.js";
import { numberOption } from "./common/checks.js";
import { withSignal } from "./common/signal.js";
import { S3OperationError } from "./errors/s3-operation-error.js";
import { ValidationError } from "./errors/validation-error.js";
import { paginate, startOf } from "./listing/paginate.js";
import { checkBucketName } from "./prefix/keys.js";

type Credentials = NonNullable<S3ClientConfig["credentials"]>;

/** Options of `new S3()`. Everything is optional; the SDK's own chain fills the gaps. */
export interface S3Options {
  /** AWS region; else AWS_REGION / the profile; "us-east-1" with a custom endpoint and no region. */
  region?: string;
  /** A custom endpoint (MinIO, R2, Ceph, LocalStack…); else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Path-style URLs (endpoint/bucket/key). Default: true with a custom endpoint, else false. */
  forcePathStyle?: boolean;
  /** Static credentials or a provider; else env / profile / instance role. */
  credentials?: Credentials;
  /** Retries after the first attempt, for throttling, 5xx and network errors. Default 3. */
  maxRetries?: number;
  /** Base backoff delay in ms (full jitter, doubling). Default 100. */
  retryDelay?: number;
  /** Cap on one backoff delay in ms. Default 30000. */
  maxRetryDelay?: number;
  /**
   * Milliseconds a request's connection may stay silent (nothing sent, nothing received)
   * before the request fails with a retryable TimeoutError, which the SDK retries (and a
   * read resumes after). It bounds every request, so none can hang forever on a dead
   * connection; a slow but moving transfer never reaches it. Long server-side operations
   * are safe: during a long CopyObject, UploadPartCopy or CompleteMultipartUpload S3 keeps
   * the connection alive by sending whitespace. `stream()`'s `idleTimeout` (30 s) usually
   * notices a stalled read first. Applies to the client s3kit builds, not to one passed in.
   * @default 120000
   */
  requestTimeout?: number;
  /**
   * "when-supported" sends CRC32 checksums on every upload (the SDK default, kept for AWS);
   * "when-required" only where S3 demands one (the default with a custom endpoint, since
   * many S3-compatible stores reject or mis-store aws-chunked checksummed uploads).
   */
  checksums?: "when-supported" | "when-required";
  /** Use this S3Client instead of building one; then no connection option may be given. */
  client?: S3Client;
  /** Structured log lines for requests, retries and resumes. */
  logger?: Logger;
}

/** A bucket as `listBuckets()` reports it. */
export interface BucketInfo {
  name: string;
  createdAt: Date | undefined;
}

/** Options of `createBucket`. */
export interface CreateBucketOptions extends BucketOptions {
  /** Region for the bucket's LocationConstraint; defaults to the client's region. */
  region?: string;
  signal?: AbortSignal;
}

/** Options of `deleteBucket`. */
export interface DeleteBucketOptions {
  /** Delete every object and abort every incomplete upload first. */
  force?: boolean;
  signal?: AbortSignal;
}

/** Two minutes of silence: twice the read timeout boto3 has long used against S3. */
const DEFAULT_REQUEST_TIMEOUT = 120_000;

const connectionOptions = [
  "region",
  "endpoint",
  "forcePathStyle",
  "credentials",
  "requestTimeout",
  "checksums",
] as const;

function resolvePolicy(options: S3Options): RetryPolicy {
  numberOption(options.maxRetries, "maxRetries", 0, 100);
  if (options.maxRetries !== undefined && !Number.isInteger(options.maxRetries)) {
    throw new ValidationError("S3 options: maxRetries must be a whole number", { operation: "S3" });
  }
  numberOption(options.retryDelay, "retryDelay", 0, 3_600_000);
  numberOption(options.maxRetryDelay, "maxRetryDelay", 0, 3_600_000);
  numberOption(options.requestTimeout, "requestTimeout", 1, 86_400_000);
  return {
    maxRetries: options.maxRetries ?? 3,
    retryDelay: options.retryDelay ?? 100,
    maxRetryDelay: options.maxRetryDelay ?? 30_000,
  };
}

function configuredEndpoint(options: S3Options): string | undefined {
  const endpoint =
    options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  if (endpoint === undefined || endpoint === "") return undefined;
  try {
    new URL(endpoint);
  } catch {
    throw new ValidationError(`S3 options: endpoint ${JSON.stringify(endpoint)} is not a URL`, {
      operation: "S3",
    });
  }
  return endpoint;
}

/**
 * Makes the client's credential provider (whatever resolves them: options, env, profile, SSO,
 * instance or container role) record the secrets it hands out, before any request is signed.
 */
function recordCredentials(client: S3Client, secrets: Secrets): void {
  const resolve = client.config.credentials;
  client.config.credentials = async (...args: Parameters<typeof resolve>) => {
    const identity = await resolve(...args);
    secrets.addIdentity(identity);
    return identity;
  };
}

function buildClient(
  options: S3Options,
  policy: RetryPolicy,
  secrets: Secrets,
  logger: Logger | undefined,
): S3Client {
  if (
    options.checksums !== undefined &&
    !["when-supported", "when-required"].includes(options.checksums)
  ) {
    throw new ValidationError('S3 options: checksums must be "when-supported" or "when-required"', {
      operation: "S3",
    });
  }
  const endpoint = configuredEndpoint(options);
  const custom = endpoint !== undefined;
  const checksums = options.checksums ?? (custom ? "when-required" : "when-supported");
  const checksumSetting = checksums === "when-required" ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  const envRegion = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  secrets.add(process.env.AWS_SECRET_ACCESS_KEY);
  secrets.add(process.env.AWS_SESSION_TOKEN);
  if (typeof options.credentials === "object") {
    // Static credentials sign every request for the client's life: kept for good.
    secrets.add(options.credentials.secretAccessKey);
    secrets.add(options.credentials.sessionToken);
  }
  const client = new S3Client({
    region: options.region ?? (custom && !envRegion ? "us-east-1" : undefined),
    endpoint,
    forcePathStyle: options.forcePathStyle ?? custom,
    credentials: options.credentials,
    retryStrategy: new PolicyRetryStrategy(policy, logger),
    maxAttempts: policy.maxRetries + 1,
    requestChecksumCalculation: checksumSetting,
    responseChecksumValidation: checksumSetting,
    // The handler's `requestTimeout` only logs a warning in current SDKs (it became a whole-request
    // timer); `socketTimeout` is the idle timeout this option promises, and it throws. The SDK
    // sets none for S3: without this default a dead connection would hang a call forever.
    requestHandler: { socketTimeout: options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT },
  });
  recordCredentials(client, secrets);
  return client;
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

  constructor(options: S3Options = {}) {
    const policy = resolvePolicy(options);
    const secrets = new Secrets();
    if (options.client) {
      const conflicting = connectionOptions.filter((name) => options[name] !== undefined);
      if (conflicting.length > 0) {
        throw new ValidationError(
          `S3 options: ${conflicting.join(", ")} cannot be combined with client; configure that client instead`,
          { operation: "S3" },
        );
      }
      if (!(options.client instanceof S3Client)) {
        throw new ValidationError("S3 options: client must be an S3Client", { operation: "S3" });
      }
    }
    const logger = options.logger && redactingLogger(options.logger, secrets);
    this.client = options.client ?? buildClient(options, policy, secrets, logger);
    this.#ownsClient = options.client === undefined;
    this.#context = {
      // s3kit's middleware goes on each of its own commands, never on the client: a caller's
      // client (and calls made on `s3.client`) stay exactly as they were.
      client: withCommandMiddleware(this.client, (stack) => {
        recordSigningIdentity(stack, secrets);
        routeSdkLogs(stack, logger, secrets);
        if (logger) addRequestLog(stack, logger);
      }),
      policy,
      logger,
      secrets,
      knownBuckets: new Set(),
    };
  }

  /**
   * The handle of a bucket; sends no request.
   * @throws ValidationError for an invalid bucket name.
   */
  bucket(name: string, options: BucketOptions = {}): Bucket {
    return new Bucket(this.#context, checkBucketName(name, "bucket"), options.defaults ?? {});
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
    const target: Target = { operation: "ListBuckets" };
    const pages = paginate({
      target,
      fetch: (position: { ContinuationToken: string | undefined } | undefined) =>
        request(
          this.#context,
          target,
          (client, http) => client.send(new ListBucketsCommand({ ...position }), http),
          signal,
        ),
      next: (page: ListBucketsCommandOutput) => ({ ContinuationToken: page.ContinuationToken }),
      first: (page: ListBucketsCommandOutput) => startOf(page.Buckets?.[0]?.Name),
    });
    const buckets: BucketInfo[] = [];
    for await (const page of pages) {
      for (const bucket of page.Buckets ?? []) {
        if (bucket.Name) buckets.push({ name: bucket.Name, createdAt: bucket.CreationDate });
      }
    }
    return buckets;
  }

  /**
   * Creates a bucket and returns its handle. Creating a bucket you already own succeeds.
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
        signal,
      );
    } catch (error) {
      if (!(error instanceof S3OperationError && error.code === "BucketAlreadyOwnedByYou"))
        throw error;
    }
    this.#context.knownBuckets.add(name);
    return bucket;
  }

  /**
   * Deletes a bucket; with `force`, first aborts every incomplete multipart upload and
   * deletes every object in it, old versions and delete markers of a versioned bucket included.
   * @throws BucketNotFoundError; S3OperationError (BucketNotEmpty without force, or when
   * force could not delete everything).
   */
  async deleteBucket(name: string, options: DeleteBucketOptions = {}): Promise<void> {
    const bucket = this.bucket(name);
    const { signal } = withSignal(options, "deleteBucket");
    if (options.force) {
      await bucket.abortUploads({ signal });
      const result = await bucket.deleteAll({ signal });
      // In a versioned bucket deleteAll only adds delete markers; the versions must go too.
      const failed = [...result.failed, ...(await deleteVersions(bucket, signal))];
      if (failed.length > 0) {
        const first = failed[0];
        throw new S3OperationError(
          `deleteBucket s3://${name}: ${failed.length} objects could not be deleted (first: ${first?.key}: ${first?.code})`,
          { code: "BucketNotEmpty", bucket: name, operation: "deleteBucket" },
        );
      }
    }
    try {
      await request(
        this.#context,
        { operation: "DeleteBucket", bucket: name },
        (client, http) => client.send(new DeleteBucketCommand({ Bucket: name }), http),
        signal,
      );
    } finally {
      this.#context.knownBuckets.delete(name);
    }
  }

  /** Closes the connections of the client s3kit built; a client passed in is left open. */
  close(): void {
    if (this.#ownsClient) this.client.destroy();
  }

  /** `using s3 = new S3()` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }
}
