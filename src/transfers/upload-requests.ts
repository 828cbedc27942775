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
import type { AttemptLog } from "../client/attempt-log.js";
import { abortError, failure, request, type Target } from "../client/context.js";
import type { ProgressReporter } from "../common/progress.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { utf8Length } from "../prefix/utf8-length.js";
import { commit } from "./commit.js";
import { createUpload } from "./create-upload.js";
import { type ExpectedObject, multipart, singlePart } from "./expected-object.js";
import { abortAndConfirm } from "./multipart.js";
import type { OpenedSource } from "./sources/opened-source.js";

/** What a finished PutObject or CompleteMultipartUpload answered. */
export interface Committed {
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
 *   has settled, then checks with ListParts that nothing is left (abortAndConfirm).
 */
export class UploadRequests {
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
    // lib-storage's own abort is not sent: cleanup() aborts once every request has settled,
    // through multipart.ts like every abort of a multipart upload.
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
        { signal: sendSignal },
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
  if (typeof body === "string") return utf8Length(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}
