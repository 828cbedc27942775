import { S3OperationError } from "../errors/s3-operation-error.js";
import { fullKey } from "../prefix/keys.js";
import type { ByteRange } from "./get-object.js";
import type { Scope } from "./scope.js";
import { openObjectStream } from "./stream.js";

export type { ByteRange } from "./get-object.js";

/** Options of the whole-object reads. */
export interface GetOptions {
  range?: ByteRange;
  /** Fail with PreconditionFailedError unless the object still has this ETag. */
  ifMatch?: string;
  versionId?: string;
  signal?: AbortSignal;
}

/**
 * See Scope.getBytes. Reads through the resumable stream, so a connection that breaks midway
 * costs a ranged re-request, not the whole object, and the body is always consumed or destroyed.
 */
export async function getBytes(
  scope: Scope,
  key: string,
  options: GetOptions = {},
): Promise<Uint8Array> {
  const Key = fullKey(scope.path, key, "getBytes", scope.bucketName);
  const { body, length } = await openObjectStream(scope, Key, {
    ...options,
    operation: "getBytes",
  });
  const bytes = Buffer.allocUnsafe(length);
  let offset = 0;
  for await (const chunk of body) {
    bytes.set(chunk as Uint8Array, offset);
    offset += (chunk as Uint8Array).length;
  }
  return bytes;
}

/** See Scope.getText. */
export async function getText(
  scope: Scope,
  key: string,
  options: GetOptions = {},
): Promise<string> {
  return new TextDecoder().decode(await getBytes(scope, key, options));
}

/** See Scope.getJson. */
export async function getJson<T>(scope: Scope, key: string, options: GetOptions = {}): Promise<T> {
  const text = await getText(scope, key, options);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const Key = scope.path + key;
    throw new S3OperationError(
      `getJson s3://${scope.bucketName}/${Key}: the object is not valid JSON (${(error as Error).message})`,
      {
        code: "InvalidJson",
        bucket: scope.bucketName,
        key: Key,
        operation: "getJson",
        retryable: false,
        cause: error,
      },
    );
  }
}
