import { PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  ObjectNotFoundError,
  S3,
  type S3Options,
  ValidationError,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { TRANSPORTS } from "../helpers/lean-calls.js";
import { putRaw, testServer, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();

/** A policy letting anyone read the bucket's objects and list it, nothing more. */
function publicReadPolicy(bucket: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: ["*"] },
        Action: ["s3:GetObject"],
        Resource: [`arn:aws:s3:::${bucket}/*`],
      },
      {
        Effect: "Allow",
        Principal: { AWS: ["*"] },
        Action: ["s3:ListBucket"],
        Resource: [`arn:aws:s3:::${bucket}`],
      },
    ],
  });
}

/** An S3 with nothing but the endpoint: no credentials anywhere in its options. */
function anonymousS3(transport: S3Options["transport"]): S3 {
  const { endpoint, region } = testServer();
  return new S3({ endpoint, region, anonymous: true, transport });
}

describe("anonymous access to a public bucket", () => {
  it.for(TRANSPORTS)(
    "reads, lists and links what the policy allows (%s)",
    async (transport, ctx) => {
      needs(ctx, "anonymousPolicies");
      const Bucket = t.bucket.name;
      await t.raw.send(new PutBucketPolicyCommand({ Bucket, Policy: publicReadPolicy(Bucket) }));
      await putRaw(t, "data/a b.csv", "x,y\n1,2\n");
      using s3 = anonymousS3(transport);
      const bucket = s3.bucket(Bucket);
      expect(await bucket.getText("data/a b.csv")).toBe("x,y\n1,2\n");
      expect(await bucket.getBytes("data/a b.csv", { range: { offset: 2, length: 1 } })).toEqual(
        new TextEncoder().encode("y"),
      );
      expect((await bucket.head("data/a b.csv")).contentLength).toBe(8);
      expect(await bucket.exists("data/a b.csv")).toBe(true);
      expect(await bucket.exists("data/none")).toBe(false);
      expect((await bucket.list()).map((o) => o.key)).toEqual(["data/a b.csv"]);
      const lines: string[] = [];
      for await (const line of bucket.prefix("data").lines("a b.csv")) lines.push(line);
      expect(lines).toEqual(["x,y", "1,2"]);
      expect(await rejection(bucket.getText("data/none"))).toBeInstanceOf(ObjectNotFoundError);
      // The plain URL of a public object works for anyone.
      const url = await bucket.presign("data/a b.csv");
      expect(url).not.toMatch(/X-Amz-/i);
      const response = await fetch(url);
      expect(await response.text()).toBe("x,y\n1,2\n");
    },
  );

  it.for(TRANSPORTS)(
    "what the policy does not allow is an AccessDeniedError (%s)",
    async (transport, ctx) => {
      needs(ctx, "anonymousPolicies");
      const Bucket = t.bucket.name;
      await t.raw.send(new PutBucketPolicyCommand({ Bucket, Policy: publicReadPolicy(Bucket) }));
      await putRaw(t, "kept", "kept");
      using s3 = anonymousS3(transport);
      const bucket = s3.bucket(Bucket);
      for (const refused of [
        () => bucket.put("new", "x"),
        () => bucket.delete("kept"),
        () => bucket.setTags("kept", { a: "b" }),
        () => bucket.upload(new Uint8Array(6 * 1024 * 1024), "big", { partSize: 5 * 1024 * 1024 }),
      ]) {
        const error = await rejection(refused());
        expect(error).toBeInstanceOf(AccessDeniedError);
        expect(error).toMatchObject({ status: 403, bucket: Bucket });
      }
      expect(await t.bucket.getText("kept")).toBe("kept");
      expect(await t.bucket.exists("new")).toBe(false);
      expect(await rejection(bucket.presignPost("k"))).toBeInstanceOf(ValidationError);
    },
  );

  it.for(TRANSPORTS)(
    "a bucket without a public policy refuses every read (%s)",
    async (transport, ctx) => {
      needs(ctx, "anonymousPolicies");
      await putRaw(t, "private", "secret");
      using s3 = anonymousS3(transport);
      const bucket = s3.bucket(t.bucket.name);
      expect(await rejection(bucket.getText("private"))).toBeInstanceOf(AccessDeniedError);
      expect(await rejection(bucket.list())).toBeInstanceOf(AccessDeniedError);
      expect(await rejection(bucket.head("private"))).toBeInstanceOf(AccessDeniedError);
    },
  );
});
