import type { HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import { checkReadOptions } from "../common/checks.js";
import {
  type CustomerKey,
  type CustomerKeyOption,
  callCustomerKey,
} from "../common/customer-key.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import { checkPinned } from "../transfers/check-pinned.js";
import { headRaw, type ObjectInfo, objectInfo } from "../transfers/head-object.js";
import { getTags } from "./tags.js";

/** Options of `head()`. */
export interface HeadOptions extends CustomerKeyOption {
  /**
   * Also read the object's tags (one more request) into `tags`.
   * @default false
   */
  withTags?: boolean;
  /** Describe this version of the object; unset, the current one. */
  versionId?: string;
  /** Cancels the call: it then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/** Options of `exists()`. */
export interface ExistsOptions extends CustomerKeyOption {
  /** Ask about this version of the object; unset, the current one. */
  versionId?: string;
  /** Cancels the call: it then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/**
 * @internal HeadObject of `Key` as `options` ask; an answer about another version than the one asked
 * for (a store that ignores `?versionId=`) is a PreconditionFailedError, never passed on.
 */
export async function headAsked(
  scope: ScopeRef,
  Key: string,
  options: {
    versionId?: string;
    signal?: AbortSignal;
    checksums?: boolean;
    customerKey?: CustomerKey | undefined;
  },
  operation: string,
): Promise<HeadObjectCommandOutput> {
  const { versionId } = checkReadOptions(options, operation);
  const response = await headRaw(scope, Key, options);
  if (versionId !== undefined) {
    const where = { operation, bucket: scope.bucketName, key: Key };
    checkPinned({ versionId }, { versionId: response.VersionId }, where);
  }
  return response;
}

/** See Scope.head. */
export async function head(
  scope: ScopeRef,
  Key: string,
  options: HeadOptions = {},
): Promise<ObjectInfo> {
  const customerKey = callCustomerKey(scope.defaults, options.sseCustomerKey, "head");
  const asked = { ...options, checksums: true, customerKey };
  const response = await headAsked(scope, Key, asked, "head");
  const info = objectInfo(scope, Key, response);
  if (options.withTags) info.tags = await getTags(scope, Key, options);
  return info;
}

/** See Scope.exists. */
export async function exists(
  scope: ScopeRef,
  Key: string,
  options: ExistsOptions = {},
): Promise<boolean> {
  const customerKey = callCustomerKey(scope.defaults, options.sseCustomerKey, "exists");
  try {
    await headAsked(scope, Key, { ...options, customerKey }, "exists");
    return true;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return false;
    throw error;
  }
}
