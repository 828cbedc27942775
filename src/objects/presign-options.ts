import { expiresInOption, headerValue } from "../common/checks.js";
import { ValidationError } from "../errors/validation-error.js";

/** Options of `presign`. */
export interface PresignOptions {
  /**
   * "GET" to download, "PUT" to upload.
   * @default "GET"
   */
  method?: "GET" | "PUT";
  /**
   * Seconds the URL stays valid: a whole number from 1 to 604800 (7 days).
   * @default 3600
   */
  expiresIn?: number;
  /**
   * PUT: the Content-Type the upload must send (it is signed, so another one is refused).
   * GET: the Content-Type S3 answers with (response-content-type).
   */
  contentType?: string;
  /** GET only: download as an attachment with this file name (any Unicode). */
  filename?: string;
  /** GET only: a specific version of the object. */
  versionId?: string;
  /** Cancels resolving the credentials (which may call STS or the instance metadata service). */
  signal?: AbortSignal;
}

/** @internal The options of a `presign`, checked and complete. */
export interface PresignSettings {
  method: "GET" | "PUT";
  expiresIn: number;
  contentType: string | undefined;
  filename: string | undefined;
  versionId: string | undefined;
  signal: AbortSignal | undefined;
}

/**
 * @internal Checks the options of a `presign`.
 * @throws ValidationError for a bad expiresIn, method or option combination.
 */
export function resolvePresignOptions(options: PresignOptions, operation: string): PresignSettings {
  const expiresIn = expiresInOption(options.expiresIn, operation);
  const method = options.method ?? "GET";
  if (method !== "GET" && method !== "PUT") {
    throw new ValidationError(`${operation}: method must be "GET" or "PUT"`, { operation });
  }
  const contentType = headerValue(options.contentType, "contentType", operation);
  const filename = headerValue(options.filename, "filename", operation);
  const versionId = headerValue(options.versionId, "versionId", operation);
  if (method === "PUT" && (filename !== undefined || versionId !== undefined)) {
    throw new ValidationError(`${operation}: filename and versionId only apply to GET URLs`, {
      operation,
    });
  }
  return { method, expiresIn, contentType, filename, versionId, signal: options.signal };
}
