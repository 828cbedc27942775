import { request } from "../client/context.js";
import { objectPath } from "../client/endpoint.js";
import { uriEncode } from "../client/uri-encode.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";
import type { PresignOptions, PresignSettings } from "./presign-options.js";

/**
 * What an unsigned link cannot do, by option: S3 refuses the response overrides on an
 * anonymous request (400 InvalidRequest), and nothing makes an unsigned URL expire.
 */
const SIGNED_ONLY = {
  expiresIn: "an unsigned URL never expires",
  contentType: "S3 refuses response overrides (response-content-type) on unsigned requests",
  filename: "S3 refuses response overrides (response-content-disposition) on unsigned requests",
} as const;

/**
 * @internal `presign` on an anonymous S3: the object's plain URL, as the bucket's endpoint is
 * resolved for signed links (with `?versionId=` for a version), which works for anyone the
 * bucket's policy lets read it. Nothing is signed, so nothing a signature carries can be had.
 * @throws ValidationError for a PUT link (an unsigned upload could be pinned to nothing) or
 * an option only a signature gives (expiresIn, contentType, filename); S3OperationError when
 * the bucket's endpoint is not one plain SigV4 signs (S3 Express, multi-region access points).
 */
export async function publicUrl(
  scope: ScopeRef,
  Key: string,
  options: PresignOptions,
  settings: PresignSettings,
): Promise<string> {
  const operation = "presign";
  if (settings.method === "PUT") {
    throw new ValidationError(
      `${operation}: an anonymous S3 cannot presign an upload; sign with credentials, or PUT to a public-write bucket with put()`,
      { operation, bucket: scope.bucketName, key: Key },
    );
  }
  for (const [name, why] of Object.entries(SIGNED_ONLY)) {
    if ((options as Record<string, unknown>)[name] !== undefined) {
      throw new ValidationError(`${operation}: ${name} needs a signed link (${why})`, {
        operation,
        bucket: scope.bucketName,
        key: Key,
      });
    }
  }
  const target = { operation, bucket: scope.bucketName, key: Key };
  return request(
    scope.context,
    target,
    async () => {
      const endpoint = await scope.context.endpoints.of(scope.bucketName);
      if (endpoint === undefined) throw new Error("this bucket's endpoint has no plain URL");
      const path = objectPath(endpoint, Key);
      const { versionId } = settings;
      const query = versionId === undefined ? "" : `?versionId=${uriEncode(versionId)}`;
      return `${endpoint.protocol}//${endpoint.host}${path}${query}`;
    },
    { signal: settings.signal },
  );
}
