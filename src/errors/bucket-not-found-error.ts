import { S3Error } from "./s3-error.js";

/** The bucket does not exist: S3 answered NoSuchBucket, or 404 to a HEAD and the bucket is missing. */
export class BucketNotFoundError extends S3Error {}
