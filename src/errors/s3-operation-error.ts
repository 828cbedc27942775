import { S3Error } from "./s3-error.js";

/** Any other failure: network errors and throttling after the retries, 5xx, invalid JSON, an abort. */
export class S3OperationError extends S3Error {}
