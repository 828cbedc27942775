import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Stack } from "../client/command-middleware.js";
import type { EndpointCache } from "../client/endpoint.js";
import { followBucketRegion } from "../client/follow-bucket-region.js";

/** @internal Where a form posts to and the region its signature must name. */
export interface BucketEndpoint {
  url: string;
  /** The endpoint's SigV4 signing region ("us-east-1" for "aws-global"), else the client's. */
  signingRegion: string;
}

/**
 * @internal The URL a browser form posts to: the bucket's endpoint as the client resolves it
 * for a write of `Key` (virtual-host or path style, custom endpoint, dual-stack, FIPS…), with
 * the region its auth scheme signs for. The command runs only up to its build step, where the
 * resolved endpoint is read; nothing is sent. A bucket whose region a redirect named (see
 * EndpointCache) gets that region's.
 */
export async function bucketEndpoint(
  client: S3Client,
  Bucket: string,
  Key: string,
  endpoints: EndpointCache,
): Promise<BucketEndpoint> {
  let endpoint: { url: URL; properties?: Record<string, unknown> } | undefined;
  const command = new PutObjectCommand({ Bucket, Key });
  // A bucket a redirect showed to be elsewhere: that region's endpoint and signature.
  followBucketRegion(command.middlewareStack as Stack, command, client, endpoints);
  command.middlewareStack.add(
    (_next, context) => async () => {
      endpoint = context.endpointV2;
      return { output: { $metadata: {} }, response: {} };
    },
    { step: "build", priority: "high", name: "s3kitBucketUrl" },
  );
  const handler = command.resolveMiddleware(client.middlewareStack, client.config, {});
  await handler({ input: command.input });
  if (endpoint === undefined) throw new Error("the client resolved no endpoint for the bucket");
  const schemes = endpoint.properties?.authSchemes as Array<{ signingRegion?: string }> | undefined;
  const signingRegion = schemes?.find((scheme) => scheme.signingRegion)?.signingRegion;
  return { url: endpoint.url.href, signingRegion: signingRegion ?? (await client.config.region()) };
}
