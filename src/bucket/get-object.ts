import { GetObjectCommand, type GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { request } from "../client/context.js";
import { ValidationError } from "../errors/validation-error.js";
import type { Scope } from "./scope.js";

/** A byte range: `length` bytes from `offset`, or everything from `offset` when no length. */
export interface ByteRange {
  offset: number;
  length?: number;
}

/** What one GetObject request is sent with. */
export interface GetRequestOptions {
  rangeHeader?: string;
  ifMatch?: string;
  versionId?: string;
  signal?: AbortSignal;
}

/** The Range header for a ByteRange, checking it. */
export function rangeHeader(range: ByteRange | undefined, operation: string): string | undefined {
  if (range === undefined) return undefined;
  const { offset, length } = range;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new ValidationError(`${operation}: range.offset must be a whole number ≥ 0`, {
      operation,
    });
  }
  if (length === undefined) return `bytes=${offset}-`;
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new ValidationError(`${operation}: range.length must be a whole number ≥ 1`, {
      operation,
    });
  }
  return `bytes=${offset}-${offset + length - 1}`;
}

/** Sends GetObject for a full key with the read options. */
export function getRaw(
  scope: Scope,
  Key: string,
  options: GetRequestOptions,
): Promise<GetObjectCommandOutput> {
  return request(
    scope.context,
    { operation: "GetObject", bucket: scope.bucketName, key: Key },
    (client, http) =>
      client.send(
        new GetObjectCommand({
          Bucket: scope.bucketName,
          Key,
          Range: options.rangeHeader,
          IfMatch: options.ifMatch,
          VersionId: options.versionId,
        }),
        http,
      ),
    options.signal,
  );
}
