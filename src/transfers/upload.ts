import { once } from "node:events";
import type { Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandInput,
  type CreateMultipartUploadCommandOutput,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { AttemptLog } from "../client/attempt-log.js";
import {
  abortError,
  type ClientContext,
  failure,
  request,
  type Target,
  throwIfAborted,
} from "../client/context.js";
import {
  abortGraceOption,
  checkConditions,
  concurrencyOf,
  MAX_TRANSFER_CONCURRENCY,
  progressOption,
  wholeNumber,
} from "../common/checks.js";
import { defaultContentType } from "../common/content-type.js";
import {
  DEFAULT_PART_SIZE,
  fitPartSize,
  MAX_OBJECT_SIZE,
  MAX_PART_SIZE,
  MIN_PART_SIZE,
} from "../common/limits.js";
import { type OnProgress, ProgressReporter } from "../common/progress.js";
import type { ScopeRef } from "../common/scope-ref.js";
import type { PutOptions, PutResult } from "../common/write-params.js";
import { writeParams } from "../common/write-params.js";
import { isS3Error, type S3Error } from "../errors/s3-error.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { errorCode } from "../errors/transient.js";
import { ValidationError } from "../errors/validation-error.js";
import { describe, relativeName } from "../prefix/keys.js";
import { commit } from "./commit.js";
import { createUpload } from "./create-upload.js";
import { type ExpectedObject, multipart, singlePart } from "./expected-object.js";
import { abortAndConfirm } from "./multipart.js";

/**
 * What `upload` reads from: a local file path, bytes, a Blob, a Node Readable or a web
 * ReadableStream. A path or bytes give a known size (so progress has a total and the part
 * size can grow to fit); a stream's size is learnt at its end.
 */
export type UploadSource =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | Readable
  | ReadableStream<Uint8Array>;

/** Options of `upload` (and of `put` with a stream or Blob body). */
export interface UploadOptions extends PutOptions {
  /**
   * Part size in bytes, 5 MiB … 5 GiB; default 8 MiB. A source of at most one part goes up
   * with a single PutObject, anything larger as a multipart upload. With a known size the
   * part size grows so that no upload needs more than 10,000 parts; an unknown-length stream
   * is limited to 10,000 × partSize bytes. Memory use is about (concurrency + 1) × partSize.
   */
  partSize?: number;
  /** Parts uploaded at once, 1 … 64; default 4. */
  concurrency?: number;
  /**
   * Called as parts finish with `{ loaded, total, percent }`; never goes backwards and ends
   * with loaded === total. `total` is undefined for a stream until it ends.
   */
  onProgress?: OnProgress;
  /**
   * Milliseconds an abort (`signal`) still waits for a CompleteMultipartUpload already sent:
   * once sent it may create the object, and only its answer says so. No new attempt of it is
   * sent after the abort. An answer within the grace decides; after it, the request is
   * cancelled and the object at the key is read back: ours → the upload resolves, else it
   * fails with the abort (the store may still complete it later).
   * @default 30000
   */
  abortGrace?: number;
}

const DEFAULT_CONCURRENCY = 4;

/** A source opened for reading: the body lib-storage takes, its size if known, and how to let go of it. */
interface OpenedSource {
  body: Uint8Array | Blob | Readable;
  size: number | undefined;
  /** Why the source is no longer what was opened (a file written meanwhile), if it is not. */
  changed(): Promise<string | undefined>;
  /** Stops reading and frees the source (closes our file, destroys a stream); idempotent. */
  release(): Promise<void>;
}

const unchanged = async () => undefined;

async function destroyStream(stream: Readable): Promise<void> {
  if (stream.closed) return;
  const closed = once(stream, "close").catch(() => {});
  stream.destroy();
  await closed;
}

async function openFile(
  path: string,
  operation: string,
  context: ClientContext,
  target: Target,
): Promise<OpenedSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ValidationError(`${operation}: no such file ${JSON.stringify(path)}`, {
        operation,
      });
    }
    throw failure(context, error, target);
  }
  try {
    // fstat on the open handle: the size belongs to the very file we read.
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new ValidationError(`${operation}: ${JSON.stringify(path)} is not a regular file`, {
        operation,
      });
    }
    // The handle stays open after the stream ends: it is asked again before the commit.
    const stream = handle.createReadStream({ autoClose: false });
    const changed = async () => whatChanged(stats, await handle.stat());
    const release = async () => {
      await destroyStream(stream);
      await handle.close().catch(() => {});
    };
    return { body: stream, size: stats.size, changed, release };
  } catch (error) {
    await handle.close().catch(() => {});
    throw isS3Error(error) ? error : failure(context, error, target);
  }
}

/**
 * How a file's contents changed between two fstat calls, if they did: its size or its
 * modification time. Not its ctime, which also moves on a chmod, a new hard link or a rename
 * (a log rotation), none of which touches the bytes.
 */
function whatChanged(before: Stats, after: Stats): string | undefined {
  if (after.size !== before.size)
    return `was modified while it was read (its size went from ${before.size} to ${after.size} bytes)`;
  if (after.mtimeMs !== before.mtimeMs)
    return "was modified while it was read (its modification time changed)";
  return undefined;
}

/**
 * Why a stream cannot be uploaded, if it cannot: reading a locked web stream throws; a stream
 * that is destroyed, ended, failed or cancelled would yield nothing or an error mid-upload; and
 * one that has been read from (disturbed) already lost its first bytes, so the object would
 * be stored truncated.
 */
function unusable(stream: Readable | ReadableStream<Uint8Array>): string | undefined {
  // Node's typings name only Node streams here; both functions take web streams as well.
  const typed = stream as Readable;
  if (stream instanceof ReadableStream) {
    if (stream.locked) return "is locked: a reader is already reading it";
    if (Readable.isErrored(typed)) return "has failed";
  } else {
    const failed: unknown = stream.errored;
    if (failed) return `has failed (${failed instanceof Error ? failed.message : String(failed)})`;
    if (stream.readableEnded) return "has already been read to its end";
    if (stream.destroyed) return "is destroyed";
  }
  // Node marks a stream read from for good, even when what was read went back with unshift().
  if (Readable.isDisturbed(typed))
    return "has already been read from or cancelled, so its first bytes may be gone (Node counts a stream read and unshifted as read from too: if you put back what you read, pass Readable.from(stream) instead)";
  return undefined;
}

async function openSource(
  source: UploadSource,
  operation: string,
  context: ClientContext,
  target: Target,
): Promise<OpenedSource> {
  const nothing = async () => {};
  const whole = (body: Uint8Array | Blob, size: number) => ({
    body,
    size,
    changed: unchanged,
    release: nothing,
  });
  if (source instanceof Readable || source instanceof ReadableStream) {
    const reason = unusable(source);
    if (reason !== undefined) {
      throw new ValidationError(`${operation}: the body stream ${reason}; pass a fresh stream`, {
        operation,
        bucket: target.bucket,
        key: target.key,
      });
    }
  }
  if (typeof source === "string") {
    if (source === "")
      throw new ValidationError(`${operation}: the file path is empty`, { operation });
    return openFile(source, operation, context, target);
  }
  if (source instanceof Uint8Array) return whole(source, source.byteLength);
  if (source instanceof ArrayBuffer) return whole(new Uint8Array(source), source.byteLength);
  if (source instanceof Blob) return whole(source, source.size);
  // A failed upload leaves a stream half read; destroy it, as stream.pipeline would. A web
  // stream goes as a Node stream, so it can be destroyed too, which cancels it.
  const stream =
    source instanceof ReadableStream
      ? Readable.fromWeb(source as NodeReadableStream<Uint8Array>)
      : source;
  if (stream instanceof Readable) {
    return {
      body: stream,
      size: undefined,
      changed: unchanged,
      release: () => destroyStream(stream),
    };
  }
  throw new ValidationError(
    `${operation}: unsupported source ${describe(source)}; pass a file path, bytes, a Blob or a stream`,
    { operation },
  );
}

/** What a finished PutObject or CompleteMultipartUpload answered. */
interface Committed {
  ETag?: string;
  VersionId?: string;
}

type Send = (command: unknown, options?: { abortSignal?: AbortSignal }) => Promise<unknown>;

/** A PutObject or CompleteMultipartUpload: once sent, the object may exist. */
type Commit = PutObjectCommand | CompleteMultipartUploadCommand;

function isCommit(command: unknown): command is Commit {
  return command instanceof PutObjectCommand || command instanceof CompleteMultipartUploadCommand;
}

/**
 * Stands between lib-storage's `Upload` and the S3 client, because lib-storage alone leaves
 * parts behind (aws-sdk-js-v3 PR #7322): on abort `done()` rejects at once while the parts in
 * flight go on, and its AbortMultipartUpload may run before they land; the part requests get
 * no abort signal; after one part fails the other queues keep uploading the rest of the
 * source. So every request goes through `send` here, which
 * - gives CreateMultipartUpload, UploadPart and PutObject our signal, so an abort or a first
 *   failure cancels them; a Create attempt that may have made an upload unseen (its answer
 *   lost, or cancelled once sent) has that upload aborted, and a Create answered without an
 *   UploadId is refused before any part (see createUpload); a PutObject cancelled once sent is
 *   reconciled like any commit;
 * - lets a CompleteMultipartUpload sent before an abort run to its answer within `abortGrace`,
 *   since once it is sent the object may exist, but sends no new attempt of it (see commit);
 * - checks before the commit (PutObject, CompleteMultipartUpload) that the source gave the size
 *   measured and, for a file, was not modified while it was read;
 * - reconciles a commit whose response may have been lost with the object at the key (see
 *   reconcile.ts);
 * - records the UploadId, the bytes acknowledged, the first failure and the committed object;
 * - swallows lib-storage's own AbortMultipartUpload: `cleanup()` does it after every request
 *   has settled, then checks with ListParts that nothing is left.
 */
class UploadRequests {
  readonly controller = new AbortController();
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #scope: ScopeRef;
  readonly #Key: string;
  readonly #source: OpenedSource;
  readonly #reporter: ProgressReporter;
  readonly #abortGrace: number;
  /** When the upload began (local clock): its object cannot be older. */
  readonly #since = Date.now();
  #uploadId: string | undefined;
  /** What CreateMultipartUpload was sent, for reconciling its completion. */
  #created: CreateMultipartUploadCommandInput | undefined;
  #closed = false;
  /** Bytes of the parts (or single PUT) S3 has acknowledged. */
  acknowledged = 0;
  /** The first request that failed by itself (not through our abort). */
  firstError: unknown;
  committed: Committed | undefined;

  constructor(
    scope: ScopeRef,
    Key: string,
    source: OpenedSource,
    settings: { reporter: ProgressReporter; abortGrace: number },
  ) {
    this.#scope = scope;
    this.#Key = Key;
    this.#source = source;
    this.#reporter = settings.reporter;
    this.#abortGrace = settings.abortGrace;
  }

  /** An S3Client for lib-storage: the real one (config and all), with `send` going through us. */
  client(): S3Client {
    const client = Object.create(this.#scope.context.client) as S3Client;
    Object.defineProperty(client, "send", { value: (command: unknown) => this.#dispatch(command) });
    return client;
  }

  get #where(): { bucket: string; key: string } {
    return { bucket: this.#scope.bucketName, key: this.#Key };
  }

  #target(operation: string): Target {
    return { operation, ...this.#where };
  }

  #dispatch(command: unknown): Promise<unknown> {
    if (command instanceof AbortMultipartUploadCommand) return Promise.resolve({ $metadata: {} });
    const target = this.#target(operationOf(command));
    const { context } = this.#scope;
    if (this.#closed)
      return Promise.reject(failure(context, abortError(this.controller.signal), target));
    let body = 0;
    if (command instanceof UploadPartCommand || command instanceof PutObjectCommand) {
      body = byteLengthOf(command.input.Body);
    }
    const { signal } = this.controller;
    // With an attempt log, every attempt of the request is recorded there (see AttemptLog).
    const send = (attempts?: AttemptLog, sendSignal: AbortSignal | undefined = signal) =>
      request(
        context,
        target,
        (client, http) => {
          const logged = attempts ? attempts.on(client) : client;
          return (logged.send as Send).call(logged, command, http);
        },
        sendSignal,
      );
    let sent: Promise<unknown>;
    if (command instanceof CreateMultipartUploadCommand) {
      this.#created = command.input;
      const create = send as (attempts: AttemptLog) => Promise<CreateMultipartUploadCommandOutput>;
      sent = createUpload(context, this.#where, create, signal);
    } else if (isCommit(command)) {
      sent = this.#commit(command, body, target, send);
    } else {
      sent = send();
    }
    const promise = sent.then((output) => {
      this.#record(command, output, body);
      return output;
    });
    return this.#fail(promise);
  }

  /**
   * Sends a commit once the source is known to be whole and unchanged; a commit whose response
   * was lost may have stored the object all the same: see reconcile.
   */
  async #commit(
    command: Commit,
    body: number,
    target: Target,
    send: (attempts: AttemptLog, signal: AbortSignal | undefined) => Promise<unknown>,
  ): Promise<Committed> {
    await this.#checkSource(command, body, target);
    const expected = this.#expected(command);
    const complete = command instanceof CompleteMultipartUploadCommand;
    const written = await commit(
      this.#scope.context,
      { ...target, ...this.#where },
      async (attempts, signal) => {
        const output = (await send(attempts, signal)) as Committed;
        return { etag: output.ETag, versionId: output.VersionId };
      },
      async () => expected?.(),
      {
        since: this.#since,
        signal: this.controller.signal,
        grace: complete ? this.#abortGrace : undefined,
      },
    );
    return { ETag: written.etag, VersionId: written.versionId };
  }

  /** What a commit must store: a PutObject's bytes, or the parts a completion lists. */
  #expected(command: Commit): (() => Promise<ExpectedObject | undefined>) | undefined {
    const { context } = this.#scope;
    if (command instanceof PutObjectCommand && command.input.Body instanceof Uint8Array)
      return singlePart(context, command.input.Body, command.input);
    if (command instanceof CompleteMultipartUploadCommand && this.#created)
      return multipart(context, command.input.MultipartUpload?.Parts ?? [], this.#created);
    return undefined;
  }

  /**
   * The source must have given exactly the size measured before starting, and a file must not
   * have been modified meanwhile (size or mtime of the open file), else the object would mix
   * old and new bytes.
   * @throws S3OperationError "SourceSizeChanged" or "SourceChanged".
   */
  async #checkSource(command: Commit, body: number, target: Target): Promise<void> {
    const expected = this.#source.size;
    const total = command instanceof PutObjectCommand ? body : this.acknowledged;
    const fail = (code: string, detail: string) =>
      new S3OperationError(`upload s3://${target.bucket}/${target.key}: the source ${detail}`, {
        code,
        bucket: target.bucket,
        key: target.key,
        operation: "upload",
      });
    if (expected !== undefined && total !== expected) {
      const detail = `gave ${total} bytes, ${expected} were expected; did the file change while it was read?`;
      throw fail("SourceSizeChanged", detail);
    }
    let changed: string | undefined;
    try {
      changed = await this.#source.changed();
    } catch (error) {
      throw failure(this.#scope.context, error, target);
    }
    if (changed !== undefined) throw fail("SourceChanged", changed);
  }

  #record(command: unknown, output: unknown, body: number): void {
    if (command instanceof CreateMultipartUploadCommand) {
      this.#uploadId = (output as { UploadId?: string }).UploadId;
    } else if (command instanceof UploadPartCommand || command instanceof PutObjectCommand) {
      this.acknowledged += body;
      this.#reporter.update(this.acknowledged);
    }
    if (isCommit(command)) this.committed = output as Committed;
  }

  /** Tracks a request until it settles; its failure stops the whole upload. */
  #fail(promise: Promise<unknown>): Promise<unknown> {
    const tracked = promise.catch((error: unknown) => {
      if (this.firstError === undefined && !this.controller.signal.aborted) this.firstError = error;
      this.controller.abort();
      throw error;
    });
    const settled = tracked.then(
      () => {},
      () => {},
    );
    this.#inflight.add(settled);
    void settled.then(() => this.#inflight.delete(settled));
    return tracked;
  }

  /** Refuses any further request and waits until every request sent has settled. */
  async settle(): Promise<void> {
    this.controller.abort();
    this.#closed = true;
    while (this.#inflight.size > 0) await Promise.all([...this.#inflight]);
  }

  /** Aborts the multipart upload, if one was created, and confirms it is gone (see abortAndConfirm). */
  async cleanup(): Promise<void> {
    if (this.#uploadId === undefined) return;
    const { context, bucketName } = this.#scope;
    await abortAndConfirm(context, bucketName, this.#Key, this.#uploadId, "upload");
  }
}

function operationOf(command: unknown): string {
  if (command instanceof CreateMultipartUploadCommand) return "CreateMultipartUpload";
  if (command instanceof UploadPartCommand) return "UploadPart";
  if (command instanceof CompleteMultipartUploadCommand) return "CompleteMultipartUpload";
  if (command instanceof PutObjectCommand) return "PutObject";
  return "upload";
}

function byteLengthOf(body: unknown): number {
  if (typeof body === "string") return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}

/** A lib-storage or source failure as an S3Error. */
function uploadFailure(context: ClientContext, error: unknown, target: Target): S3Error {
  if (isS3Error(error)) return error;
  if (errorCode(error) === "UnknownError" && error instanceof Error) {
    // lib-storage throws plain Errors (part count mismatch, missing ETag, …).
    return new S3OperationError(
      context.secrets.redact(`upload s3://${target.bucket}/${target.key} failed: ${error.message}`),
      {
        code: "UploadFailed",
        bucket: target.bucket,
        key: target.key,
        operation: "upload",
        cause: error,
      },
    );
  }
  return failure(context, error, target);
}

/** See Scope.upload. */
export async function upload(
  scope: ScopeRef,
  source: UploadSource,
  Key: string,
  options: UploadOptions = {},
): Promise<PutResult> {
  const operation = "upload";
  checkConditions(options, operation);
  const requestedPartSize = wholeNumber(options.partSize, DEFAULT_PART_SIZE, {
    name: "partSize",
    min: MIN_PART_SIZE,
    max: MAX_PART_SIZE,
    operation,
  });
  const concurrency = concurrencyOf(
    options.concurrency,
    DEFAULT_CONCURRENCY,
    operation,
    MAX_TRANSFER_CONCURRENCY,
  );
  const onProgress = progressOption(options.onProgress, operation);
  const abortGrace = abortGraceOption(options.abortGrace, operation);
  const blobType = source instanceof Blob ? source.type : undefined;
  const params = writeParams(
    scope.defaults,
    options,
    defaultContentType(Key, "binary", blobType),
    operation,
  );
  const { context } = scope;
  const target: Target = { operation, bucket: scope.bucketName, key: Key };
  const { signal } = options;
  throwIfAborted(context, signal, target);

  const opened = await openSource(source, operation, context, target);
  if (opened.size !== undefined && opened.size > MAX_OBJECT_SIZE) {
    await opened.release();
    throw new ValidationError(
      `${operation}: ${opened.size} bytes is more than S3's ${MAX_OBJECT_SIZE} byte (50 TB) object limit`,
      {
        operation,
        bucket: scope.bucketName,
        key: Key,
      },
    );
  }
  const reporter = new ProgressReporter(onProgress, opened.size);
  const requests = new UploadRequests(scope, Key, opened, { reporter, abortGrace });
  const onAbort = () => requests.controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    let failed: unknown;
    try {
      const upload = new Upload({
        client: requests.client(),
        params: {
          ...params,
          Bucket: scope.bucketName,
          Key,
          Body: opened.body,
          IfNoneMatch: options.ifNoneMatch,
          IfMatch: options.ifMatch,
        },
        partSize: fitPartSize(requestedPartSize, opened.size),
        queueSize: concurrency,
        leavePartsOnError: false,
        abortController: requests.controller,
      });
      await upload.done();
    } catch (error) {
      failed = error ?? new Error("upload failed");
    }
    if (failed !== undefined) {
      await opened.release();
      await requests.settle();
    }
    // An abort that arrived while the object was being committed came too late to stop it.
    const committed = requests.committed;
    if (committed) {
      reporter.finish(requests.acknowledged);
      return {
        key: Key,
        name: relativeName(scope.path, Key),
        etag: committed.ETag,
        ...(committed.VersionId ? { versionId: committed.VersionId } : {}),
      };
    }
    await requests.cleanup();
    throwIfAborted(context, signal, target);
    throw uploadFailure(context, requests.firstError ?? failed, target);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await opened.release();
  }
}
