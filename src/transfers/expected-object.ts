import type { ClientContext } from "../client/context.js";
import { bareEtag } from "./check-pinned.js";

/** What a write must have stored, to recognise it after its response was lost. */
export interface ExpectedObject {
  /** The ETag the write produces, quotes included. */
  etag: string;
  /** The Content-Type it sent. */
  contentType: string | undefined;
  /** The user metadata it sent (none: undefined or {}). */
  metadata: Record<string, string> | undefined;
}

/** An ETag as a comparable hex digest: quotes aside, case aside (stores differ in the case of hex). */
export function digestOf(etag: string | undefined): string | undefined {
  return etag === undefined ? undefined : bareEtag(etag).toLowerCase();
}

async function md5(context: ClientContext, data: Uint8Array): Promise<Uint8Array> {
  // The client's own MD5 (node:crypto on Node, a JS one elsewhere): no import of a Node
  // built-in here, and no dependency of our own.
  const hash = new context.client.config.md5();
  hash.update(data);
  return hash.digest();
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The ETag S3 gives a single-part upload of these bytes (a string is sent as UTF-8). */
async function singlePartEtag(context: ClientContext, body: Uint8Array | string): Promise<string> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return `"${hex(await md5(context, bytes))}"`;
}

const PLAIN_MD5 = /^"?[0-9a-f]{32}"?$/i;

/** Whether an ETag is the MD5 of the object's bytes: one part, no KMS/SSE-C encryption. */
export function isPlainMd5(etag: string | undefined): etag is string {
  return etag !== undefined && PLAIN_MD5.test(etag);
}

/**
 * The ETag S3 gives a multipart upload of parts with these ETags, in part-number order:
 * MD5 of the concatenated binary MD5s, "-" and the part count. Undefined when a part's ETag
 * is not an MD5 (SSE-KMS, SSE-C), since the result cannot be predicted then.
 */
async function multipartEtag(
  context: ClientContext,
  parts: ReadonlyArray<{ PartNumber?: number; ETag?: string }>,
): Promise<string | undefined> {
  const ordered = [...parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
  if (ordered.length === 0 || !ordered.every((part) => isPlainMd5(part.ETag))) return undefined;
  const digests = new Uint8Array(16 * ordered.length);
  ordered.forEach((part, index) => {
    const digest = digestOf(part.ETag) ?? "";
    for (let byte = 0; byte < 16; byte++)
      digests[16 * index + byte] = Number.parseInt(digest.slice(2 * byte, 2 * byte + 2), 16);
  });
  return `"${hex(await md5(context, digests))}-${ordered.length}"`;
}

/** The headers a write sent that its object must carry, and its SSE-C algorithm if any. */
interface SentHeaders {
  ContentType?: string;
  Metadata?: Record<string, string>;
  /** Set for a customer-provided key: the ETag is then no MD5 and cannot be predicted. */
  SSECustomerAlgorithm?: string;
}

/**
 * What a single-part write (PutObject) of `body` with these headers stores; undefined with a
 * customer key (SSE-C), whose object's ETag is no MD5 of the bytes.
 */
export function singlePart(
  context: ClientContext,
  body: Uint8Array | string,
  sent: SentHeaders,
): () => Promise<ExpectedObject | undefined> {
  return async () => {
    if (sent.SSECustomerAlgorithm !== undefined) return undefined;
    return {
      etag: await singlePartEtag(context, body),
      contentType: sent.ContentType,
      metadata: sent.Metadata,
    };
  };
}

/** What a multipart upload completed with these parts, created with these headers, stores. */
export function multipart(
  context: ClientContext,
  parts: ReadonlyArray<{ PartNumber?: number; ETag?: string }>,
  sent: SentHeaders,
): () => Promise<ExpectedObject | undefined> {
  return async () => {
    if (sent.SSECustomerAlgorithm !== undefined) return undefined;
    const etag = await multipartEtag(context, parts);
    if (etag === undefined) return undefined;
    return { etag, contentType: sent.ContentType, metadata: sent.Metadata };
  };
}
