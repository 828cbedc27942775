import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";

/**
 * @internal The URL a browser form posts to: the bucket's endpoint as the client resolves it
 * for a write of `Key` (virtual-host or path style, custom endpoint, dual-stack, FIPS…). The
 * command runs only up to its build step, where the resolved endpoint is read; nothing is sent.
 */
export async function bucketUrl(client: S3Client, Bucket: string, Key: string): Promise<string> {
  let url: string | undefined;
  const command = new PutObjectCommand({ Bucket, Key });
  command.middlewareStack.add(
    (_next, context) => async () => {
      url = context.endpointV2?.url.href;
      return { output: { $metadata: {} }, response: {} };
    },
    { step: "build", priority: "high", name: "s3kitBucketUrl" },
  );
  const handler = command.resolveMiddleware(client.middlewareStack, client.config, {});
  await handler({ input: command.input });
  if (url === undefined) throw new Error("the client resolved no endpoint for the bucket");
  return url;
}
