/** What every s3kit error carries besides its message. */
export interface S3ErrorDetails {
  /** S3's error code (`NoSuchKey`, `SlowDown`, …) or a network code (`ECONNRESET`), or ours. */
  code: string;
  /** HTTP status of the failed response, when there was one. */
  status?: number;
  /** The bucket the failed call addressed, when it addressed one. */
  bucket?: string;
  /** The object key the failed call addressed (for S3's answers the full key), when one. */
  key?: string;
  /** The S3 operation that failed, such as `GetObject`, or the s3kit method for local checks. */
  operation?: string;
  /** S3's request id (x-amz-request-id) of the failed response, when there was one. */
  requestId?: string;
  /** Whether trying again could succeed (throttling, 5xx, network); already-retried errors say so too. */
  retryable?: boolean;
  /** How many HTTP attempts were made before giving up, when known. */
  attempts?: number;
  /** The original error: the SDK's, the network's, JSON.parse's. */
  cause?: unknown;
}

const brand = Symbol.for("s3kit.S3Error");

/**
 * Base class of every error s3kit throws. Catch it to handle all of them, or a subclass
 * (`ObjectNotFoundError`, `AccessDeniedError`, …) for one case. Messages never contain
 * credentials.
 */
export class S3Error extends Error {
  /**
   * S3's error code (`NoSuchKey`, `SlowDown`, …), a network code (`ECONNRESET`), or s3kit's
   * own (`ValidationError`, `Aborted`, `TooLarge`, …).
   */
  readonly code: string;
  /** HTTP status of the failed response; undefined when there was none (network, local check). */
  readonly status: number | undefined;
  /** The bucket the failed call addressed, if any. */
  readonly bucket: string | undefined;
  /** The object key the failed call addressed (for S3's answers the full key), if any. */
  readonly key: string | undefined;
  /** The S3 operation that failed, such as `GetObject`, or the s3kit method for local checks. */
  readonly operation: string | undefined;
  /** S3's request id (x-amz-request-id) of the failed response, if there was one. */
  readonly requestId: string | undefined;
  /** Whether trying again could succeed (throttling, 5xx, network); false when unsaid. */
  readonly retryable: boolean;
  /** How many HTTP attempts were made before giving up, when known. */
  readonly attempts: number | undefined;
  /** Marks instances from any copy of s3kit, for `isS3Error`. */
  readonly [brand] = true;

  constructor(message: string, details: S3ErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code;
    this.status = details.status;
    this.bucket = details.bucket;
    this.key = details.key;
    this.operation = details.operation;
    this.requestId = details.requestId;
    this.retryable = details.retryable ?? false;
    this.attempts = details.attempts;
  }
}

/**
 * True for an error thrown by s3kit, including one from another copy of the package
 * (another realm or a duplicated install), where `instanceof S3Error` would say false.
 */
export function isS3Error(value: unknown): value is S3Error {
  return (
    value instanceof S3Error ||
    (typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[brand] === true)
  );
}
