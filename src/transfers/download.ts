import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { callCustomerKey } from "../common/customer-key.js";
import { objectChecksums } from "../common/object-checksums.js";
import { ProgressReporter } from "../common/progress.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";
import { relativeName } from "../prefix/keys.js";
import { checkPinned } from "./check-pinned.js";
import { downloadKnownObject } from "./download-known-object.js";
import { type DownloadOptions, resolveDownloadOptions } from "./download-options.js";
import { headRaw } from "./head-object.js";

/** What `download` returns. */
export interface DownloadResult {
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope. */
  name: string;
  /** The absolute path of the file written. */
  path: string;
  /** Bytes written: the object's size. */
  size: number;
  /** The ETag the download was pinned to. */
  etag: string | undefined;
}

/** See Scope.download. */
export async function download(
  scope: ScopeRef,
  Key: string,
  path: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const operation = "download";
  const settings = resolveDownloadOptions(options, scope.defaults);
  const { partSize, concurrency, onProgress, pin, signal } = settings;
  const { sseCustomerKey } = options;
  const customerKey = callCustomerKey(scope.defaults, sseCustomerKey, operation);
  const target = await checkTarget(path, operation);
  const head = await headRaw(scope, Key, { ...pin, signal, checksums: true, customerKey });
  // A store that ignores If-Match answers for whatever object it holds.
  checkPinned(
    { etag: pin.ifMatch, versionId: pin.versionId },
    { etag: head.ETag, versionId: head.VersionId },
    { operation, bucket: scope.bucketName, key: Key },
  );
  const size = head.ContentLength ?? 0;
  const reporter = new ProgressReporter(onProgress, size);
  await downloadKnownObject(
    scope,
    Key,
    target,
    {
      size,
      etag: head.ETag,
      versionId: head.VersionId ?? pin.versionId,
      checksums: objectChecksums(head),
    },
    {
      ...{ partSize, concurrency, signal, operation, sseCustomerKey },
      onBytes: (bytes) => reporter.add(bytes),
    },
  );
  reporter.finish(size);
  return { key: Key, name: relativeName(scope.path, Key), path: target, size, etag: head.ETag };
}

/** The path to write, absolute; refuses an existing directory before any request. */
async function checkTarget(path: unknown, operation: string): Promise<string> {
  if (typeof path !== "string" || path === "") {
    throw new ValidationError(`${operation}: the target path must be a non-empty string`, {
      operation,
    });
  }
  const target = resolve(path);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new ValidationError(`${operation}: ${JSON.stringify(path)} is a directory`, {
      operation,
    });
  }
  return target;
}
