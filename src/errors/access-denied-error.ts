import { S3Error } from "./s3-error.js";

/** S3 refused the credentials or the permission: 403, AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId. */
export class AccessDeniedError extends S3Error {}
