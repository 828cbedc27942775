import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { type ClientContext, request, type Target } from "../client/context.js";
import { log } from "../client/logger.js";
import { headerValue, wholeNumber } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";
import { fullKey } from "../prefix/keys.js";

/** Options of `presign`. */
export interface PresignOptions {
  /** "GET" (default) to download, "PUT" to upload. */
  method?: "GET" | "PUT";
  /** Seconds the URL stays valid: a whole number from 1 to 604800 (7 days). Default 3600. */
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

/** Options of `presignPost`. */
export interface PresignPostOptions {
  /** Seconds the form stays valid: a whole number from 1 to 604800. Default 3600. */
  expiresIn?: number;
  /** Largest accepted file in bytes (a content-length-range condition). */
  maxSize?: number;
  /** Smallest accepted file in bytes, with `maxSize`. Default 0. */
  minSize?: number;
  /** The exact Content-Type the form must send; it is included in `fields`. */
  contentType?: string;
  /**
   * Let the poster choose the file name: `key` is then a prefix relative to the scope (it may
   * be "" on a Prefix, for "anything under this prefix"), `fields.key` is that prefix followed
   * by `${filename}` (which the store replaces with the uploaded file's name), and the policy
   * accepts any key starting with the prefix. It can never reach outside the scope, nor open
   * the whole bucket: an empty full prefix is a ValidationError.
   * @default false
   */
  keyStartsWith?: boolean;
  /** Cancels resolving the credentials (which may call STS or the instance metadata service). */
  signal?: AbortSignal;
}

/** A presigned POST form: post `fields` and then the `file` field as multipart/form-data to `url`. */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

/** SigV4's limit on a presigned URL's life: 7 days. */
const MAX_EXPIRES_IN = 604_800;
/** S3's limit on a POST upload: 5 GiB. */
const MAX_POST_SIZE = 5 * 1024 ** 3;

/**
 * A Content-Disposition for downloading under `filename`: a plain `filename` for simple
 * ASCII names; otherwise an ASCII stand-in plus the RFC 6266 / RFC 8187 `filename*` in UTF-8
 * that browsers prefer.
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  if (fallback === filename) return `attachment; filename="${filename}"`;
  // encodeURIComponent leaves ' ( ) * alone, which RFC 8187's attr-char does not allow.
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Warns when the credentials expire before the URL would: S3 refuses a presigned URL once
 * the (temporary) credentials that signed it have expired, whatever its X-Amz-Expires says.
 */
async function checkCredentialLife(
  context: ClientContext,
  target: Target,
  expiresIn: number,
): Promise<void> {
  const identity = await context.client.config.credentials();
  // Signing locally sends no command, so nothing else registers these for a caller's client.
  context.secrets.addIdentity(identity);
  const expiration = identity.expiration;
  if (expiration && expiration.getTime() < Date.now() + expiresIn * 1000) {
    log(context.logger, "warn", "s3kit presigned URL outlives its credentials", {
      ...target,
      expiresIn,
      credentialsExpireAt: expiration.toISOString(),
    });
  }
}

/** Header names of request checksums, which a presigned URL must not carry. */
const CHECKSUM_HEADER = /^x-amz-(checksum-|sdk-checksum-algorithm$)/i;

/**
 * A build-step middleware removing the checksum headers the SDK adds when checksums are
 * "when-supported": presigned, they would become query parameters holding the CRC32 of an
 * empty body (x-amz-checksum-crc32=AAAAAA==), and stores that check it refuse real uploads.
 */
function stripChecksums<A extends { request: unknown }, R>(next: (args: A) => Promise<R>) {
  return (args: A): Promise<R> => {
    const headers = (args.request as { headers?: Record<string, string> }).headers;
    if (headers) {
      for (const name of Object.keys(headers)) if (CHECKSUM_HEADER.test(name)) delete headers[name];
    }
    return next(args);
  };
}

const stripChecksumsOptions = {
  step: "build",
  priority: "low",
  name: "s3kitPresignWithoutChecksums",
} as const;

/**
 * See Scope.presign. Signing happens locally; the only possible I/O is resolving
 * credentials. Logs a warning when the credentials expire before the URL would.
 * @throws ValidationError for a bad key, expiresIn, method or option combination;
 * S3OperationError or AccessDeniedError when credentials cannot be resolved.
 */
export async function presign(
  scope: ScopeRef,
  Key: string,
  options: PresignOptions = {},
): Promise<string> {
  const operation = "presign";
  const expiresIn = wholeNumber(options.expiresIn, 3600, {
    name: "expiresIn",
    unit: "seconds",
    min: 1,
    max: MAX_EXPIRES_IN,
    operation: operation,
  });
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
  const Bucket = scope.bucketName;
  const target: Target = { operation, bucket: Bucket, key: Key };
  const command =
    method === "PUT"
      ? new PutObjectCommand({ Bucket, Key, ContentType: contentType })
      : new GetObjectCommand({
          Bucket,
          Key,
          VersionId: versionId,
          ResponseContentType: contentType,
          ResponseContentDisposition:
            filename === undefined ? undefined : attachmentDisposition(filename),
        });
  // Two branches for the types only: each command's stack is typed by its own input and output.
  if (command instanceof PutObjectCommand)
    command.middlewareStack.add(stripChecksums, stripChecksumsOptions);
  else command.middlewareStack.add(stripChecksums, stripChecksumsOptions);
  return request(
    scope.context,
    target,
    async (client) => {
      await checkCredentialLife(scope.context, target, expiresIn);
      return getSignedUrl(client, command, {
        expiresIn,
        // The presigner never signs Content-Type by default; a PUT URL for one type must.
        ...(method === "PUT" && contentType !== undefined
          ? { signableHeaders: new Set(["content-type"]) }
          : {}),
      });
    },
    options.signal,
  );
}

/** What S3 replaces with the uploaded file's name wherever it appears in a POST's key field. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's POST variable, not a JS template
const FILENAME_VARIABLE = "${filename}";

type PostCondition = { key: string } | ["starts-with", "$key", string];

function sizeRange(min: number, max: number): ["content-length-range", number, number] {
  return ["content-length-range", min, max];
}

/**
 * The key field of a POST form and the policy condition that pins it: exactly the full key,
 * or with `keyStartsWith` any key under a non-empty full prefix. A key holding `${filename}`
 * is refused either way: the store would substitute it, so it can never be taken literally.
 */
function postKey(
  scope: ScopeRef,
  key: unknown,
  keyStartsWith: unknown,
  operation: string,
): { Key: string; condition: PostCondition } {
  const bucket = scope.bucketName;
  if (keyStartsWith !== undefined && typeof keyStartsWith !== "boolean") {
    throw new ValidationError(`${operation}: keyStartsWith must be a boolean`, {
      operation,
      bucket,
    });
  }
  const prefixOnly = keyStartsWith === true && key === "";
  const full = prefixOnly ? scope.path : fullKey(scope.path, key, operation, bucket);
  if (full.includes(FILENAME_VARIABLE)) {
    throw new ValidationError(
      `${operation}: key ${JSON.stringify(full)} contains ${FILENAME_VARIABLE}, which the store replaces with the uploaded file's name; to let the poster name the file, pass the prefix with { keyStartsWith: true }`,
      { operation, bucket },
    );
  }
  if (!keyStartsWith) return { Key: full, condition: { key: full } };
  if (full === "") {
    throw new ValidationError(
      `${operation}: keyStartsWith with an empty prefix would accept any key in the bucket; name a prefix`,
      { operation, bucket },
    );
  }
  return { Key: full + FILENAME_VARIABLE, condition: ["starts-with", "$key", full] };
}

/**
 * See Scope.presignPost: a policy-signed HTML form upload. `maxSize` becomes a
 * content-length-range condition and `contentType` an exact Content-Type condition (and a
 * field); S3 refuses uploads that break them.
 * @throws ValidationError for a bad key, expiresIn or size; S3OperationError or
 * AccessDeniedError when credentials cannot be resolved.
 */
export async function presignPost(
  scope: ScopeRef,
  key: string,
  options: PresignPostOptions = {},
): Promise<PresignedPost> {
  const operation = "presignPost";
  const { Key, condition } = postKey(scope, key, options.keyStartsWith, operation);
  const expiresIn = wholeNumber(options.expiresIn, 3600, {
    name: "expiresIn",
    unit: "seconds",
    min: 1,
    max: MAX_EXPIRES_IN,
    operation: operation,
  });
  const contentType = headerValue(options.contentType, "contentType", operation);
  const size = (value: unknown, name: string) => {
    if (value === undefined) return undefined;
    if (
      typeof value !== "number" ||
      !Number.isSafeInteger(value) ||
      value < 0 ||
      value > MAX_POST_SIZE
    ) {
      throw new ValidationError(
        `${operation}: ${name} must be a whole number of bytes from 0 to ${MAX_POST_SIZE}`,
        {
          operation,
        },
      );
    }
    return value;
  };
  const maxSize = size(options.maxSize, "maxSize");
  const minSize = size(options.minSize, "minSize");
  if (minSize !== undefined && (maxSize === undefined || minSize > maxSize)) {
    throw new ValidationError(`${operation}: minSize needs a maxSize at least as large`, {
      operation,
    });
  }
  const Bucket = scope.bucketName;
  const target: Target = { operation, bucket: Bucket, key: Key };
  return request(
    scope.context,
    target,
    async (client) => {
      await checkCredentialLife(scope.context, target, expiresIn);
      return createPresignedPost(client, {
        Bucket,
        Key,
        Expires: expiresIn,
        // The key condition is ours, not left to the SDK's reading of `${filename}` in Key.
        Conditions: [
          condition,
          ...(maxSize === undefined ? [] : [sizeRange(minSize ?? 0, maxSize)]),
        ],
        // Each field becomes an exact-match condition of the policy as well.
        Fields: contentType === undefined ? {} : { "Content-Type": contentType },
      });
    },
    options.signal,
  );
}
