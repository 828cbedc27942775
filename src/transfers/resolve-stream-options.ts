import {
  type AskedBytes,
  askedBytes,
  type ByteRange,
  checkReadOptions,
  idleTimeoutOption,
  type ReadPin,
} from "../common/checks.js";
import type { CustomerKey, CustomerKeyOption } from "../common/customer-key.js";
import {
  type ReadConditions,
  readConditions,
  type SuffixRange,
  suffixBytes,
} from "../common/read-conditions.js";
import type { ScopeRef } from "../common/scope-ref.js";

/** Options of `stream()`. */
export interface StreamOptions extends CustomerKeyOption {
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

/**
 * Options of `open()`: those of `stream()`, a suffix range, and conditions that HTTP servers
 * pass on (see `respond()`). Dates count to the second, as in HTTP.
 */
export interface OpenOptions extends Omit<StreamOptions, "range"> {
  /** Only these bytes: `{ offset, length? }`, or `{ suffix }` for the last ones; unset, all. */
  range?: ByteRange | SuffixRange;
  /** Answer `status: 304` without a body when the object's ETag is this one (`"*"`: any). */
  ifNoneMatch?: string;
  /** Answer `status: 304` unless the object changed after this time; ignored with `ifNoneMatch`. */
  ifModifiedSince?: Date;
  /** Fail with PreconditionFailedError if the object changed after this; ignored with `ifMatch`. */
  ifUnmodifiedSince?: Date;
}

/** How s3kit's own readers open a stream, beyond the public options. */
export interface ReadOptions extends OpenOptions {
  /** The public method, for messages. */
  operation?: string;
  /**
   * Refuse a body longer than this many bytes (S3OperationError "TooLarge"): decided from
   * its Content-Length before reading, or while reading when it has none.
   */
  maxLength?: number;
  /** The reader takes the whole body at once (getBytes…): a small one may come whole. */
  whole?: boolean;
  /** Ask the first request for the object's checksums (x-amz-checksum-mode), to verify it. */
  checksums?: boolean;
}

/** A read's options, checked and complete. */
export interface StreamSettings {
  /** The public method, for messages ("stream" unless a reader names its own). */
  operation: string;
  /** The object every response must be: the ETag and version asked for. */
  pin: ReadPin;
  /** The bytes asked for; undefined: the whole object, or the last `suffix` bytes. */
  asked: AskedBytes | undefined;
  /** How many bytes from the end a suffix range asks for (`bytes=-N`). */
  suffix: number | undefined;
  /** The conditions of the first request (open's); resumes are pinned by If-Match instead. */
  conditions: ReadConditions;
  idleTimeout: number;
  signal: AbortSignal | undefined;
  maxLength: number | undefined;
  /** See ReadOptions.whole. */
  whole: boolean;
  /** See ReadOptions.checksums. */
  checksums: boolean;
}

/** One read: where it goes and how it behaves. */
export interface ReadPlan extends StreamSettings {
  scope: ScopeRef;
  Key: string;
  /** The object's SSE-C key (the call's, else the scope's), sent with every request. */
  customerKey: CustomerKey | undefined;
}

/**
 * The options every read shares (stream, lines, getBytes/getText/getJson, open), checked
 * before any request: the object they pin, the bytes asked, open's conditions, idleTimeout.
 */
export function resolveStreamOptions(options: ReadOptions): StreamSettings {
  const operation = options.operation ?? "stream";
  const pin = checkReadOptions(options, operation);
  const suffix = suffixBytes(options.range, operation);
  const asked =
    suffix === undefined ? askedBytes(options.range as ByteRange, operation) : undefined;
  const conditions = readConditions(options, operation);
  const idleTimeout = idleTimeoutOption(options.idleTimeout, operation);
  const { signal, maxLength } = options;
  const whole = options.whole === true;
  const checksums = options.checksums === true;
  return {
    ...{ operation, pin, asked, suffix, conditions, idleTimeout, signal, maxLength },
    ...{ whole, checksums },
  };
}
