import {
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandOutput,
} from "@aws-sdk/client-s3";
import type { Target } from "../client/context.js";
import { send } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { keyDecoder, nextKeyMarker } from "./decode-key.js";
import { paginate, startOf } from "./paginate.js";

/** @internal An incomplete multipart upload as ListMultipartUploads shows it. */
export interface ListedUpload {
  Key: string;
  UploadId: string;
  Initiated: Date | undefined;
}

/** @internal One ListMultipartUploads walk, page by page, handing each page's due uploads to `each`. */
export async function listUploads(
  scope: Pick<ScopeRef, "context" | "bucketName">,
  Prefix: string | undefined,
  signal: AbortSignal | undefined,
  each: (uploads: ListedUpload[]) => Promise<void>,
): Promise<number> {
  const { context, bucketName: Bucket } = scope;
  const listing: Target = { operation: "ListMultipartUploads", bucket: Bucket, key: Prefix };
  const pages = paginate({
    target: listing,
    fetch: (position: { KeyMarker?: string; UploadIdMarker?: string } | undefined) =>
      send(
        context,
        listing,
        new ListMultipartUploadsCommand({
          Bucket,
          Prefix,
          ...position,
          EncodingType: "url",
        }),
        { signal },
      ),
    next: (page: ListMultipartUploadsCommandOutput) => ({
      KeyMarker: nextKeyMarker(page, listing),
      UploadIdMarker: page.NextUploadIdMarker,
    }),
    first: (page: ListMultipartUploadsCommandOutput) =>
      startOf(page.Uploads?.[0]?.Key, page.Uploads?.[0]?.UploadId),
  });
  let seen = 0;
  for await (const page of pages) {
    const decodeKey = keyDecoder(page, listing);
    const uploads = (page.Uploads ?? []).flatMap((upload) =>
      upload.Key === undefined || upload.UploadId === undefined
        ? []
        : [{ Key: decodeKey(upload.Key), UploadId: upload.UploadId, Initiated: upload.Initiated }],
    );
    seen += uploads.length;
    await each(uploads);
  }
  return seen;
}
