import type { HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import type { ScopeRef } from "../common/scope-ref.js";
import type { WriteParams } from "../common/write-params.js";
import { fullKey, relativeName } from "../prefix/keys.js";
import type { CopyHeaders } from "../transfers/copy-parts.js";
import type { Written } from "../transfers/reconcile.js";
import { type CopySettings, destBucketOf } from "./copy-options.js";

/** @internal Everything one copy needs, checked before any request: its settings and keys. */
export interface CopyPlan extends CopySettings {
  srcKey: string;
  destKey: string;
  copySource: string;
}

/** What `copy` and `move` return. */
export interface CopyObjectResult {
  /** Full key of the copy. */
  key: string;
  /** Key of the copy relative to the scope. */
  name: string;
  /** The bucket holding the copy. */
  bucket: string;
  /** ETag of the copy, quotes included. */
  etag: string | undefined;
  /** The copy's version id; present only in a bucket with versioning enabled. */
  versionId?: string;
}

/**
 * `bucket/key` for CopySource: S3 URL-decodes it, so every path segment is percent-encoded
 * (spaces, "+", "%", "?", "#" and non-ASCII would otherwise be misread), "/" kept as is;
 * a version is named by a `?versionId=` query.
 */
export function copySource(bucket: string, key: string, versionId?: string): string {
  const source = `${encodeURIComponent(bucket)}/${key.split("/").map(encodeURIComponent).join("/")}`;
  return versionId === undefined ? source : `${source}?versionId=${encodeURIComponent(versionId)}`;
}

/**
 * @internal The full keys of a copy: `src` under the scope, `dest` under the scope's path as
 * well, in `destBucket` when given (which then only names it in errors).
 * @throws ValidationError for a bad key or destBucket, before any request.
 */
export function copyKeys(
  scope: ScopeRef,
  src: unknown,
  dest: unknown,
  destBucket: string | undefined,
  operation: string,
): CopyKeys {
  const srcKey = fullKey(scope.path, src, operation, scope.bucketName);
  // dest's errors name its bucket: checked here first, by the rule the copy's options use.
  const destKey = fullKey(scope.path, dest, operation, destBucketOf(scope, destBucket, operation));
  return { srcKey, destKey };
}

/** @internal The full source and destination keys of a copy. */
export interface CopyKeys {
  srcKey: string;
  destKey: string;
}

/** @internal The plan of a copy between full keys with these settings. */
export function copyPlan(scope: ScopeRef, settings: CopySettings, keys: CopyKeys): CopyPlan {
  const source = copySource(scope.bucketName, keys.srcKey, settings.sourceVersionId);
  return { ...settings, ...keys, copySource: source };
}

/** @internal The source's content headers and metadata, overridden by the replacement's. */
export function contentHeaders(
  head: HeadObjectCommandOutput,
  replacement: WriteParams | undefined,
): CopyHeaders {
  return {
    ContentType: replacement?.ContentType ?? head.ContentType,
    Metadata: replacement?.Metadata ?? head.Metadata,
    CacheControl: replacement?.CacheControl ?? head.CacheControl,
    ContentDisposition: replacement?.ContentDisposition ?? head.ContentDisposition,
    ContentEncoding: replacement?.ContentEncoding ?? head.ContentEncoding,
    ContentLanguage: replacement?.ContentLanguage ?? head.ContentLanguage,
    Expires: head.Expires,
  };
}

/** @internal What a copy returns, once `written`. */
export function copyResult(scope: ScopeRef, plan: CopyPlan, written: Written): CopyObjectResult {
  const result: CopyObjectResult = {
    key: plan.destKey,
    name: relativeName(scope.path, plan.destKey),
    bucket: plan.destBucket,
    etag: written.etag,
  };
  if (written.versionId) result.versionId = written.versionId;
  return result;
}
