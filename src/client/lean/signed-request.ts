import type { SignatureV4 } from "@smithy/signature-v4";
import { type BucketEndpoint, objectPath } from "../endpoint.js";
import { uriEncode } from "../uri-encode.js";
import type { HttpRequest } from "./http-types.js";
import {
  documentHeaders,
  type LeanOperation,
  requestBody,
  requestHeaders,
  requestQuery,
} from "./lean-operations.js";

/** `query` as a query string ("" when empty), in the encoding it was signed in. */
function queryString(query: Record<string, string>): string {
  const parts = Object.entries(query).map(
    ([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`,
  );
  return parts.length === 0 ? "" : `?${parts.join("&")}`;
}

/**
 * The request for `operation` with `input` at `endpoint`, signed by `signer` at the time
 * the SDK would sign it (the local clock corrected by `sent.clockOffset`): headers from the
 * input and `sent.headers`, Host, Content-Length of a body, and what SigV4 adds (X-Amz-Date,
 * the payload's SHA-256, the session token, Authorization). Without a signer (an anonymous
 * S3) it goes unsigned, as the SDK's no-auth scheme sends it: none of what SigV4 adds.
 */
export async function signedRequest(
  signer: SignatureV4 | undefined,
  operation: LeanOperation,
  input: Record<string, unknown>,
  endpoint: BucketEndpoint,
  sent: { clockOffset: number; headers: Record<string, string> },
): Promise<HttpRequest> {
  const body = requestBody(operation, input);
  const headers: Record<string, string> = {
    ...requestHeaders(operation, input),
    ...documentHeaders(operation, body),
    ...sent.headers,
    host: endpoint.host,
  };
  if (body !== undefined) headers["content-length"] = String(body.byteLength);
  const query = requestQuery(operation, input);
  const path = objectPath(endpoint, input.Key as string);
  const unsigned = {
    method: operation.method,
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port === "" ? undefined : Number(endpoint.port),
    path,
    query,
    headers,
    body,
  };
  const signed = signer
    ? await signer.sign(unsigned, { signingDate: new Date(Date.now() + sent.clockOffset) })
    : unsigned;
  return {
    method: operation.method,
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    host: endpoint.host,
    port: endpoint.port,
    path: `${path}${queryString(query)}`,
    headers: signed.headers,
    body,
  };
}
