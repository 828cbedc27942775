import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import type { ScopeRef } from "../common/scope-ref.js";
import { type PresignPostOptions, resolvePresignPostOptions } from "./presign-post-options.js";
import { signLocally } from "./sign-locally.js";

/** A presigned POST form: post `fields` and then the `file` field as multipart/form-data to `url`. */
export interface PresignedPost {
  /** Where to post the form: the bucket's URL. */
  url: string;
  /**
   * The form fields to send as they are, before the file: the key, the signed policy and its
   * signature fields, and Content-Type when `contentType` was given.
   */
  fields: Record<string, string>;
}

function sizeRange(min: number, max: number): ["content-length-range", number, number] {
  return ["content-length-range", min, max];
}

/**
 * See Scope.presignPost: a policy-signed HTML form upload. `key` is relative to the scope (a
 * prefix with `keyStartsWith`). `maxSize` becomes a content-length-range condition and
 * `contentType` an exact Content-Type condition (and a field); S3 refuses uploads that break
 * them.
 * @throws ValidationError for a bad key, expiresIn or size; S3OperationError or
 * AccessDeniedError when credentials cannot be resolved.
 */
export async function presignPost(
  scope: ScopeRef,
  key: string,
  options: PresignPostOptions = {},
): Promise<PresignedPost> {
  const settings = resolvePresignPostOptions(scope, key, options, "presignPost");
  const { Key, condition, expiresIn, contentType, size, signal } = settings;
  const Bucket = scope.bucketName;
  return signLocally(
    scope,
    { operation: "presignPost", bucket: Bucket, key: Key },
    expiresIn,
    (client) =>
      createPresignedPost(client, {
        Bucket,
        Key,
        Expires: expiresIn,
        // The key condition is ours, not left to the SDK's reading of `${filename}` in Key.
        Conditions: [condition, ...(size === undefined ? [] : [sizeRange(size.min, size.max)])],
        // Each field becomes an exact-match condition of the policy as well.
        Fields: contentType === undefined ? {} : { "Content-Type": contentType },
      }),
    signal,
  );
}
