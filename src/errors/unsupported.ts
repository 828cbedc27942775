import { isS3Error, type S3Error } from "./s3-error.js";

/**
 * Whether a store answered that it has no such operation at all: 501 Not Implemented, or 405
 * Method Not Allowed (stores without ListMultipartUploads, ListObjectVersions or
 * DeleteObjectTagging answer one or the other). No retry or other input cures either.
 */
export function isUnsupported(error: unknown): error is S3Error {
  return isS3Error(error) && (error.status === 501 || error.status === 405);
}
