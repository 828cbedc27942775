import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Target } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { attachmentDisposition } from "./attachment-disposition.js";
import { type PresignOptions, resolvePresignOptions } from "./presign-options.js";
import { signLocally } from "./sign-locally.js";

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
 * See Scope.presign, for a full key. Signing happens locally; the only possible I/O is
 * resolving credentials. Logs a warning when the credentials expire before the URL would.
 * @throws ValidationError for a bad expiresIn, method or option combination;
 * S3OperationError or AccessDeniedError when credentials cannot be resolved.
 */
export async function presign(
  scope: ScopeRef,
  Key: string,
  options: PresignOptions = {},
): Promise<string> {
  const operation = "presign";
  const { method, expiresIn, contentType, filename, versionId, signal } = resolvePresignOptions(
    options,
    operation,
  );
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
  return signLocally(
    scope,
    target,
    expiresIn,
    (client) =>
      getSignedUrl(client, command, {
        expiresIn,
        // The presigner never signs Content-Type by default; a PUT URL for one type must.
        ...(method === "PUT" && contentType !== undefined
          ? { signableHeaders: new Set(["content-type"]) }
          : {}),
      }),
    signal,
  );
}
