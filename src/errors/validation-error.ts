import { S3Error } from "./s3-error.js";

/**
 * Bad input: an invalid key, prefix, bucket name, option or body. Always thrown before any
 * request is sent.
 */
export class ValidationError extends S3Error {
  constructor(
    message: string,
    details: { operation?: string; bucket?: string; key?: string } = {},
  ) {
    super(message, { ...details, code: "ValidationError", retryable: false });
  }
}
