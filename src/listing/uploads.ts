import {
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandOutput,
} from "@aws-sdk/client-s3";
import { request, type Target } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { decodeKey } from "./list.js";
import { paginate, startOf } from "./paginate.js";

/** @internal An incomplete multipart upload as ListMultipartUploads shows it. */
export interface ListedUpload {
  Key: string;
  UploadId: string;
  Initiated: Date | undefined;
}

/**
 * Keys are listed with `EncodingType: "url"` so that a key holding characters XML 1.0 cannot
 * carry does not break the listing. The server then encodes form-style: a space as "+", a
 * literal "+" as "%2B". Only what the server says it encoded is decoded.
 */
function decoder(encoded: boolean, target: Target): (key: string) => string {
  return (key) => (encoded ? decodeKey(key, target) : key);
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
      request(
        context,
        listing,
        (client, http) =>
          client.send(
            new ListMultipartUploadsCommand({
              Bucket,
              Prefix,
              ...position,
              EncodingType: "url",
            }),
            http,
          ),
        signal,
      ),
    next: (page: ListMultipartUploadsCommandOutput) => ({
      KeyMarker:
        page.NextKeyMarker === undefined
          ? undefined
          : decoder(page.EncodingType === "url", listing)(page.NextKeyMarker),
      UploadIdMarker: page.NextUploadIdMarker,
    }),
    first: (page: ListMultipartUploadsCommandOutput) =>
      startOf(page.Uploads?.[0]?.Key, page.Uploads?.[0]?.UploadId),
  });
  let seen = 0;
  for await (const page of pages) {
    const decodeKey = decoder(page.EncodingType === "url", listing);
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
