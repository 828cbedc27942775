import type { HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import type { ScopeRef } from "../common/scope-ref.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import { headRaw } from "../transfers/head-object.js";
import type { CopyPlan } from "./copy-plan.js";

/** @internal NoSuchKey from a copy names the source, not the destination the request was sent to. */
export function sourceError(scope: ScopeRef, plan: CopyPlan, error: unknown): unknown {
  if (!(error instanceof ObjectNotFoundError)) return error;
  return new ObjectNotFoundError(
    `${plan.operation}: the source s3://${scope.bucketName}/${plan.srcKey} does not exist (${error.code})`,
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
    const { signal, sourceCustomerKey: customerKey } = plan;
    return await headRaw(scope, plan.srcKey, { signal, customerKey });
  } catch (error) {
    throw sourceError(scope, plan, error);
  }
}
