import {
  ChecksumAlgorithm,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandInput,
  PutObjectCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { abortError } from "../client/abort-error.js";
import type { AttemptLog } from "../client/attempt-log.js";
import { failure, type S3Command, send, type Target } from "../client/context.js";
import type { ProgressReporter } from "../common/progress.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { commit } from "./commit.js";
import { createUpload } from "./create-upload.js";
import { type ExpectedObject, multipart, singlePart } from "./expected-object.js";
import { invalidResponse } from "./invalid-response.js";
import { abortAndConfirm } from "./multipart.js";
import type { Written } from "./reconcile.js";
import type { OpenedSource } from "./sources/opened-source.js";
import type { UploadChecksum } from "./upload-checksum.js";
import type { UploadSettings } from "./upload-options.js";

/** What a finished PutObject or CompleteMultipartUpload answered. */
export interface Committed {
  ETag?: string;
  VersionId?: string;
}

/** The checksums an UploadPart answer may carry, listed with its part in the completion. */
const PART_CHECKSUMS = [
  "ChecksumCRC32",
  "ChecksumCRC32C",
  "ChecksumCRC64NVME",
  "ChecksumSHA1",
  "ChecksumSHA256",
] as const;

/**
 * The requests of one upload (see uploadBody, which decides which to send), so that no part is
 * left behind and no object is stored that is not the source's:
 * - CreateMultipartUpload, UploadPart and PutObject get our signal, so an abort or a first
 *   failure cancels them; a Create attempt that may have made an upload unseen (its answer
 *   lost, or cancelled once sent) has that upload aborted, and a Create answered without an
 *   UploadId is refused before any part (see createUpload); a PutObject cancelled once sent is
 *   reconciled like any commit;
 * - a CompleteMultipartUpload sent before an abort runs to its answer within `abortGrace`,
 *   since once it is sent the object may exist, but no new attempt of it is sent (see commit);
 * - before the commit (PutObject, CompleteMultipartUpload) the source must have given the
 *   size measured and, for a file, not have been modified while it was read;
 * - a commit whose response may have been lost is reconciled with the object at the key (see
 *   reconcile.ts);
 * - the UploadId, the bytes acknowledged, the first failure and the committed object are
 *   recorded; the first request that fails by itself stops every other (the controller aborts);
 * - `settle()` refuses new requests and waits for those sent; `cleanup()` then aborts the
 *   multipart upload and checks with ListParts that nothing is left (abortAndConfirm): the one
 *   abort path, run once every request has settled, so no part lands after it.
 * Each request carries the upload's params as lib-storage sent them: all of them, spread into
 * every command, which sends those its operation has (tags and headers go with the Create or
 * PutObject, IfNoneMatch and IfMatch with the PutObject or the Complete).
 */
export class UploadRequests {
  readonly controller = new AbortController();
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #scope: ScopeRef;
  readonly #Key: string;
  readonly #source: OpenedSource;
  readonly #params: UploadSettings["params"];
  readonly #reporter: ProgressReporter;
  readonly #abortGrace: number;
  /** The checksum s3kit computes and sends, if asked for (see UploadChecksum). */
  readonly #checksum: UploadChecksum | undefined;
  /** When the upload began (local clock): its object cannot be older. */
  readonly #since = Date.now();
  #uploadId: string | undefined;
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
    settings: Pick<UploadSettings, "params" | "abortGrace"> & {
      reporter: ProgressReporter;
      checksum?: UploadChecksum | undefined;
    },
  ) {
    this.#scope = scope;
    this.#Key = Key;
    this.#source = source;
    this.#params = settings.params;
    this.#reporter = settings.reporter;
    this.#abortGrace = settings.abortGrace;
    this.#checksum = settings.checksum;
  }

  /** Aborts when the caller aborts or a request fails: the upload stops. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The whole source (at most one part) in one PutObject: the commit of a small upload. */
  putSingle(Body: Uint8Array): Promise<void> {
    return this.#track("PutObject", async (target) => {
      await this.#checkSource(Body.byteLength, target);
      const checksum = await this.#checksum?.whole(Body);
      const command = new PutObjectCommand({ ...this.#params, ...checksum, Body });
      const expected = singlePart(this.#scope.context, Body, this.#params);
      this.committed = await this.#commit(target, command, expected, undefined);
      this.#acknowledge(Body.byteLength);
    });
  }

  /** CreateMultipartUpload (see createUpload); returns its UploadId, recorded for cleanup(). */
  create(): Promise<string> {
    return this.#track("CreateMultipartUpload", async (target) => {
      const { context } = this.#scope;
      const { signal } = this;
      const input: CreateMultipartUploadCommandInput = {
        ...this.#params,
        ...this.#checksum?.created(),
      };
      // As lib-storage: with checksums when supported, the upload is created for CRC32 parts,
      // which the SDK then sends with each part.
      const checksums = await context.client.config.requestChecksumCalculation();
      if (checksums === "WHEN_SUPPORTED") input.ChecksumAlgorithm ??= ChecksumAlgorithm.CRC32;
      const command = new CreateMultipartUploadCommand(input);
      const created = await createUpload(
        context,
        this.#where,
        (attempts) => send(context, target, command, { attempts, signal }),
        signal,
      );
      this.#uploadId = created.UploadId;
      return created.UploadId;
    });
  }

  /**
   * UploadPart of part `PartNumber` of the upload create() made; returns what the completion
   * lists of it.
   * @throws S3OperationError "InvalidResponse" for an answer without an ETag (in a browser: a
   * bucket whose CORS rules do not expose the ETag header).
   */
  part(PartNumber: number, Body: Uint8Array): Promise<CompletedPart> {
    return this.#track("UploadPart", async (target) => {
      const UploadId = this.#uploadId;
      const checksum = await this.#checksum?.part(PartNumber, Body);
      const input = { ...this.#params, ...checksum, UploadId, PartNumber, Body };
      const command = new UploadPartCommand(input);
      const output = await send(this.#scope.context, target, command, { signal: this.signal });
      if (!output.ETag) throw invalidResponse({ ...target, ...this.#where }, "ETag");
      this.#acknowledge(Body.byteLength);
      const part: CompletedPart = { PartNumber, ETag: output.ETag };
      for (const name of PART_CHECKSUMS) if (output[name]) part[name] = output[name];
      // The part's checksum is the one we computed, whatever the store echoes.
      return { ...part, ...checksum };
    });
  }

  /** CompleteMultipartUpload with `parts` (in part-number order): the commit of a multipart upload. */
  complete(parts: CompletedPart[]): Promise<void> {
    return this.#track("CompleteMultipartUpload", async (target) => {
      await this.#checkSource(this.acknowledged, target);
      const Parts = [...parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
      const command = new CompleteMultipartUploadCommand({
        ...this.#params,
        ...this.#checksum?.completed(Parts),
        UploadId: this.#uploadId,
        MultipartUpload: { Parts },
      });
      const expected = multipart(this.#scope.context, Parts, this.#params);
      this.committed = await this.#commit(target, command, expected, this.#abortGrace);
    });
  }

  get #where(): { bucket: string; key: string } {
    return { bucket: this.#scope.bucketName, key: this.#Key };
  }

  #acknowledge(bytes: number): void {
    this.acknowledged += bytes;
    this.#reporter.update(this.acknowledged);
  }

  /**
   * Sends a commit (with a `grace` after an abort for a completion, see commit); a commit whose
   * response was lost may have stored the object all the same: see reconcile.
   */
  async #commit<I extends ServiceInputTypes, O extends ServiceOutputTypes & Committed>(
    target: Target,
    command: S3Command<I, O>,
    expected: () => Promise<ExpectedObject | undefined>,
    grace: number | undefined,
  ): Promise<Committed> {
    const { context } = this.#scope;
    const written: Written = await commit(
      context,
      { ...target, ...this.#where },
      async (attempts: AttemptLog, signal: AbortSignal | undefined) => {
        const output = await send(context, target, command, {
          attempts,
          signal,
        });
        return { etag: output.ETag, versionId: output.VersionId };
      },
      expected,
      { since: this.#since, signal: this.signal, grace },
    );
    return { ETag: written.etag, VersionId: written.versionId };
  }

  /**
   * The source must have given exactly the size measured before starting (`total`: what the
   * commit stores), and a file must not have been modified meanwhile (size or mtime of the
   * open file), else the object would mix old and new bytes.
   * @throws S3OperationError "SourceSizeChanged" or "SourceChanged".
   */
  async #checkSource(total: number, target: Target): Promise<void> {
    const expected = this.#source.size;
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

  /**
   * Runs one request (`run`, given its target) unless the upload has stopped, and tracks it
   * until it settles; its failure stops the whole upload.
   */
  #track<T>(operation: string, run: (target: Target) => Promise<T>): Promise<T> {
    const target: Target = { operation, ...this.#where };
    if (this.#closed) {
      return Promise.reject(failure(this.#scope.context, abortError(this.signal), target));
    }
    const tracked = run(target).catch((error: unknown) => {
      if (this.firstError === undefined && !this.signal.aborted) this.firstError = error;
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
