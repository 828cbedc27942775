import { expect, it } from "vitest";
import { S3, ValidationError } from "../../src/index.js";

// The façade resolves copy's and move's keys before their options; dest's errors name its
// bucket, so a JavaScript caller's invalid destBucket is refused first, never carried in the
// `bucket` field (typed string | undefined) of the key's ValidationError.

it("copy: a ValidationError never carries a destBucket that is not a string in `bucket`", async () => {
  const s3 = new S3({
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
  });
  for (const operation of ["copy", "move"] as const) {
    const error = await s3
      .bucket("b")
      [operation]("ok", "/bad", { destBucket: 5 as unknown as string })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(["string", "undefined"]).toContain(typeof (error as ValidationError).bucket);
  }
  s3.close();
});
