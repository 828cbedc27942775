import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { failure, request } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { failureOf, type Outcome } from "./outcome.js";

/**
 * Characters XML 1.0 cannot carry, not even escaped. S3 stores keys with them, but one such
 * key in a DeleteObjects body makes the whole request MalformedXML.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what it matches
export const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** DeleteObject for a key that cannot travel in a DeleteObjects body; records the outcome. */
export async function deleteAlone(
  scope: ScopeRef,
  key: string,
  outcome: Outcome,
  signal: AbortSignal | undefined,
  versionId?: string,
): Promise<void> {
  try {
    await request(
      scope.context,
      { operation: "DeleteObject", bucket: scope.bucketName, key },
      (client, http) =>
        client.send(
          new DeleteObjectCommand({ Bucket: scope.bucketName, Key: key, VersionId: versionId }),
          http,
        ),
      signal,
    );
    outcome.deleted.push(key);
  } catch (error) {
    const s3Error = failure(scope.context, error, {
      operation: "DeleteObject",
      bucket: scope.bucketName,
      key,
    });
    outcome.failed.push(failureOf(scope, key, s3Error));
  }
}
