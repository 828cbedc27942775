import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { AttemptLog } from "../client/attempt-log.js";
import { send } from "../client/context.js";
import { isNodeReadable, type NodeReadable } from "../client/node-readable.js";
import { checkConditions } from "../common/checks.js";
import { checksumOption } from "../common/checksum-option.js";
import { type BodyKind, defaultContentType } from "../common/content-type.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { orScope } from "../common/transfer-defaults.js";
import { type PutOptions, type PutResult, writeParams } from "../common/write-params.js";
import { ValidationError } from "../errors/validation-error.js";
import { describe } from "../prefix/keys.js";
import { commit } from "../transfers/commit.js";
import { singlePart } from "../transfers/expected-object.js";
import { putResult } from "../transfers/put-result.js";
import { upload } from "../transfers/upload.js";
import { UploadChecksum } from "../transfers/upload-checksum.js";

/** A plain object or array: the JSON bodies `put` accepts. */
export type JsonDocument = { [key: string]: unknown } | readonly unknown[];

/** Everything `put` can store. */
export type PutBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | NodeReadable
  | ReadableStream<Uint8Array>
  | JsonDocument;

function isPlainJson(body: object): body is JsonDocument {
  if (Array.isArray(body)) return true;
  const proto = Object.getPrototypeOf(body);
  return proto === Object.prototype || proto === null;
}

function isStreamBody(body: object): body is NodeReadable | ReadableStream<Uint8Array> | Blob {
  return isNodeReadable(body) || body instanceof ReadableStream || body instanceof Blob;
}

/** The bytes and body kind of an in-memory body (not a stream or Blob). */
function bytesOf(body: PutBody, operation: string): { bytes: Uint8Array | string; kind: BodyKind } {
  if (typeof body === "string") return { bytes: body, kind: "text" };
  if (body instanceof Uint8Array) return { bytes: body, kind: "binary" };
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body), kind: "binary" };
  if (typeof body === "object" && body !== null && isPlainJson(body)) {
    let json: string | undefined;
    try {
      json = JSON.stringify(body);
    } catch (error) {
      throw new ValidationError(
        `${operation}: the body cannot be serialized as JSON: ${(error as Error).message}`,
        { operation },
      );
    }
    return { bytes: json, kind: "json" };
  }
  throw new ValidationError(
    `${operation}: unsupported body ${describe(body)}; pass a string, bytes, a Blob, a stream, or a plain object or array`,
    { operation },
  );
}

const utf8 = new TextEncoder();

/** A body's bytes: a string's in UTF-8, as the request carries it. */
function utf8Bytes(bytes: Uint8Array | string): Uint8Array {
  return typeof bytes === "string" ? utf8.encode(bytes) : bytes;
}

/** See Scope.put. */
export async function put(
  scope: ScopeRef,
  Key: string,
  body: PutBody,
  options: PutOptions = {},
): Promise<PutResult> {
  checkConditions(options, "put");
  if (typeof body === "object" && body !== null && isStreamBody(body)) {
    // Unknown lengths and large bodies need multipart: one implementation, upload().
    return upload(scope, body, Key, options);
  }
  const { bytes, kind } = bytesOf(body, "put");
  const params = writeParams(scope.defaults, options, defaultContentType(Key, kind), "put");
  const checksum = checksumOption(orScope(options.checksum, scope.defaults.checksum), "put");
  const sums = checksum && (await new UploadChecksum(checksum).whole(utf8Bytes(bytes)));
  const { context } = scope;
  const target = { operation: "PutObject", bucket: scope.bucketName, key: Key };
  const attempt = async (attempts: AttemptLog) => {
    const response = await send(
      context,
      target,
      new PutObjectCommand({
        ...params,
        ...sums,
        Bucket: scope.bucketName,
        Key,
        Body: bytes,
        IfNoneMatch: options.ifNoneMatch,
        IfMatch: options.ifMatch,
      }),
      { attempts, signal: options.signal },
    );
    return { etag: response.ETag, versionId: response.VersionId };
  };
  // A lost response: the retry may answer 412 to our own object (see reconcile).
  const expected = singlePart(context, bytes, params);
  const written = await commit(context, target, attempt, expected, { signal: options.signal });
  return putResult(scope, Key, written);
}
