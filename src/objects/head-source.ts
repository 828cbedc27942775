import type { HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import type { ScopeRef } from "../common/scope-ref.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import type { CopyPlan } from "./copy-plan.js";
import { headAsked } from "./head.js";

/** @internal What reads a copy's source name: its version, if one is copied, and the signal. */
export function versionOf(plan: CopyPlan): { versionId?: string; signal?: AbortSignal } {
  const { sourceVersionId: versionId, signal } = plan;
  return { ...(versionId === undefined ? {} : { versionId }), ...(signal ? { signal } : {}) };
}

/** @internal NoSuchKey from a copy names the source, not the destination the request was sent to. */
export function sourceError(scope: ScopeRef, plan: CopyPlan, error: unknown): unknown {
  if (!(error instanceof ObjectNotFoundError)) return error;
  const version = plan.sourceVersionId === undefined ? "" : ` (version ${plan.sourceVersionId})`;
  return new ObjectNotFoundError(
    `${plan.operation}: the source s3://${scope.bucketName}/${plan.srcKey}${version} does not exist (${error.code})`,
    {
      code: error.code,
      status: error.status,
      bucket: scope.bucketName,
      key: plan.srcKey,
      operation: error.operation,
      requestId: error.requestId,
      cause: error,
    },
  );
}

/** @internal HeadObject of a copy's source, a missing source named as such. */
export async function headSource(
  scope: ScopeRef,
  plan: CopyPlan,
): Promise<HeadObjectCommandOutput> {
  try {
    const asked = { ...versionOf(plan), customerKey: plan.sourceCustomerKey };
    return await headAsked(scope, plan.srcKey, asked, plan.operation);
  } catch (error) {
    throw sourceError(scope, plan, error);
  }
}
