import { ListBucketsCommand, type ListBucketsCommandOutput } from "@aws-sdk/client-s3";
import type { ClientContext, Target } from "../client/context.js";
import { send } from "../client/context.js";
import { paginate, startOf } from "./paginate.js";

/** A bucket as `listBuckets()` reports it. */
export interface BucketInfo {
  /** The bucket's name. */
  name: string;
  /** When the bucket was created, as S3 reports it; undefined if the store leaves it out. */
  createdAt: Date | undefined;
}

/** Every bucket the credentials can see, through the one paginator. See S3.listBuckets. */
export async function listBuckets(
  context: ClientContext,
  signal: AbortSignal | undefined,
): Promise<BucketInfo[]> {
  const target: Target = { operation: "ListBuckets" };
  const pages = paginate({
    target,
    fetch: (position: { ContinuationToken: string | undefined } | undefined) =>
      send(context, target, new ListBucketsCommand({ ...position }), { signal }),
    next: (page: ListBucketsCommandOutput) => ({ ContinuationToken: page.ContinuationToken }),
    first: (page: ListBucketsCommandOutput) => startOf(page.Buckets?.[0]?.Name),
  });
  const buckets: BucketInfo[] = [];
  for await (const page of pages) {
    for (const bucket of page.Buckets ?? []) {
      if (bucket.Name) buckets.push({ name: bucket.Name, createdAt: bucket.CreationDate });
    }
  }
  return buckets;
}
