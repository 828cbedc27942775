import { S3Error } from "./s3-error.js";

/** The object does not exist: S3 answered NoSuchKey, NotFound, or 404 to a HEAD in a bucket that exists. */
export class ObjectNotFoundError extends S3Error {}
