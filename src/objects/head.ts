import { checkReadOptions } from "../common/checks.js";
import { type CustomerKeyOption, callCustomerKey } from "../common/customer-key.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
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

/** See Scope.head. */
export async function head(
  scope: ScopeRef,
  Key: string,
  options: HeadOptions = {},
): Promise<ObjectInfo> {
  checkReadOptions(options, "head");
  const customerKey = callCustomerKey(scope.defaults, options.sseCustomerKey, "head");
  const response = await headRaw(scope, Key, { ...options, customerKey });
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
  checkReadOptions(options, "exists");
  const customerKey = callCustomerKey(scope.defaults, options.sseCustomerKey, "exists");
  try {
    await headRaw(scope, Key, { ...options, customerKey });
    return true;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return false;
    throw error;
  }
}
