import { HeadObjectCommand, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import type { ClientContext, Target } from "../client/context.js";
import { send } from "../client/context.js";
import { type CustomerKey, customerKeyParams } from "../common/customer-key.js";
import { type ObjectChecksums, objectChecksums } from "../common/object-checksums.js";
import type { ScopeRef } from "../common/scope-ref.js";
import type { Tags } from "../common/tags.js";
import { AccessDeniedError } from "../errors/access-denied-error.js";
import { BucketNotFoundError } from "../errors/bucket-not-found-error.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import { relativeName } from "../prefix/keys.js";
import { headBucket } from "../settings/head-bucket.js";

/** What `head()` tells about an object. */
export interface ObjectInfo {
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope that asked. */
  name: string;
  /** The object's size in bytes. */
  contentLength: number;
  /** The Content-Type stored with the object. */
  contentType: string | undefined;
  /** The ETag as S3 sends it, quotes included; pass it to `ifMatch` unchanged. */
  etag: string | undefined;
  /** When the object was last written, to the second. */
  lastModified: Date | undefined;
  /** The object's version id, when the store reports one (in a versioned bucket). */
  versionId: string | undefined;
  /** User metadata, keys in lower case as S3 stores them. */
  metadata: Record<string, string>;
  /** The Cache-Control stored with the object, if any. */
  cacheControl: string | undefined;
  /** The Content-Disposition stored with the object, if any. */
  contentDisposition: string | undefined;
  /** The Content-Encoding stored with the object, if any. */
  contentEncoding: string | undefined;
  /** The object's storage class, e.g. "STANDARD_IA"; S3 leaves it out (undefined) for STANDARD. */
  storageClass: string | undefined;
  /** The server-side encryption applied, e.g. "AES256" or "aws:kms", when the store says. */
  serverSideEncryption: string | undefined;
  /**
   * The checksums the store keeps of the object (README "Checksums"); `{}` when it keeps or
   * sends none.
   */
  checksums: ObjectChecksums;
  /** Present when asked for with `withTags`. */
  tags?: Tags;
}

/**
 * Whether the bucket exists, by HeadBucket; positive answers are remembered per S3 instance
 * (forgotten on any NoSuchBucket), since a HEAD 404 alone cannot tell a missing key from a
 * missing bucket.
 */
export async function bucketExists(
  context: ClientContext,
  bucket: string,
  signal?: AbortSignal,
): Promise<boolean> {
  if (context.knownBuckets.has(bucket)) return true;
  try {
    return (await headBucket(context, bucket, signal)) !== undefined;
  } catch (error) {
    // Allowed to read objects but not to HEAD the bucket: it exists as far as we can tell.
    if (error instanceof AccessDeniedError) return true;
    throw error;
  }
}

/**
 * HeadObject for a full key, turning a 404 into ObjectNotFoundError or BucketNotFoundError
 * as the bucket's existence says.
 */
export async function headRaw(
  scope: ScopeRef,
  Key: string,
  options: {
    versionId?: string;
    signal?: AbortSignal;
    ifMatch?: string;
    checksums?: boolean;
    customerKey?: CustomerKey | undefined;
  },
): Promise<HeadObjectCommandOutput> {
  const target: Target = { operation: "HeadObject", bucket: scope.bucketName, key: Key };
  try {
    return await send(
      scope.context,
      target,
      new HeadObjectCommand({
        Bucket: scope.bucketName,
        Key,
        VersionId: options.versionId,
        IfMatch: options.ifMatch,
        // Asked for only where they are used: on a KMS-encrypted object S3 then also needs
        // kms:Decrypt, which a plain HEAD does not.
        ChecksumMode: options.checksums ? "ENABLED" : undefined,
        ...customerKeyParams(options.customerKey),
      }),
      { signal: options.signal },
    );
  } catch (error) {
    if (
      error instanceof ObjectNotFoundError &&
      !(await bucketExists(scope.context, scope.bucketName, options.signal))
    ) {
      throw new BucketNotFoundError(
        `HeadObject s3://${scope.bucketName}/${Key} failed: NoSuchBucket: the bucket does not exist`,
        {
          code: "NoSuchBucket",
          status: 404,
          bucket: scope.bucketName,
          key: Key,
          operation: "HeadObject",
          requestId: error.requestId,
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** Converts a HeadObject (or GetObject) answer into ObjectInfo. */
export function objectInfo(
  scope: ScopeRef,
  Key: string,
  response: HeadObjectCommandOutput,
): ObjectInfo {
  return {
    key: Key,
    name: relativeName(scope.path, Key),
    contentLength: response.ContentLength ?? 0,
    contentType: response.ContentType,
    etag: response.ETag,
    lastModified: response.LastModified,
    versionId: response.VersionId,
    metadata: response.Metadata ?? {},
    cacheControl: response.CacheControl,
    contentDisposition: response.ContentDisposition,
    contentEncoding: response.ContentEncoding,
    storageClass: response.StorageClass,
    serverSideEncryption: response.ServerSideEncryption,
    checksums: objectChecksums(response),
  };
}
