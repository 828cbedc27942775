import {
  type AskedBytes,
  askedBytes,
  type ByteRange,
  checkReadOptions,
  idleTimeoutOption,
  type ReadPin,
} from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";

/** Options of `stream()`. */
export interface StreamOptions {
  /** Only these bytes of the object; unset, the whole object. */
  range?: ByteRange;
  /** Fail with PreconditionFailedError unless the object has this ETag. */
  ifMatch?: string;
  /** Read this version of the object; unset, the current one. */
  versionId?: string;
  /** Cancels the read: the call then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
  /**
   * Milliseconds without progress from S3 before a request counts as stalled: waiting for
   * a response (the first one's and every resume's, the SDK's retries of it included) or,
   * while the consumer waits for data, for the next bytes. A stalled request is cancelled
   * and tried again on a new connection, within the same budget as resumes (`maxRetries`).
   * @default 30000
   */
  idleTimeout?: number;
}

/** How s3kit's own readers open a stream, beyond the public options. */
export interface OpenOptions extends StreamOptions {
  /** The public method, for messages. */
  operation?: string;
  /**
   * Refuse a body longer than this many bytes (S3OperationError "TooLarge"): decided from
   * its Content-Length before reading, or while reading when it has none.
   */
  maxLength?: number;
}

/** A read's options, checked and complete. */
export interface StreamSettings {
  /** The public method, for messages ("stream" unless a reader names its own). */
  operation: string;
  /** The object every response must be: the ETag and version asked for. */
  pin: ReadPin;
  /** The bytes asked for; undefined: the whole object. */
  asked: AskedBytes | undefined;
  idleTimeout: number;
  signal: AbortSignal | undefined;
  maxLength: number | undefined;
}

/** One read: where it goes and how it behaves. */
export interface ReadPlan extends StreamSettings {
  scope: ScopeRef;
  Key: string;
}

/**
 * The options every read shares (stream, lines, getBytes/getText/getJson), checked before
 * any request: the object they pin, the bytes asked and idleTimeout.
 */
export function resolveStreamOptions(options: OpenOptions): StreamSettings {
  const operation = options.operation ?? "stream";
  const pin = checkReadOptions(options, operation);
  const asked = askedBytes(options.range, operation);
  const idleTimeout = idleTimeoutOption(options.idleTimeout, operation);
  const { signal, maxLength } = options;
  return { operation, pin, asked, idleTimeout, signal, maxLength };
}
