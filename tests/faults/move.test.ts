import { type DeleteObjectCommand, ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { PreconditionFailedError } from "../../src/index.js";
import { useFaultProxy } from "../helpers/fault-proxy.js";
import { enableVersioning, testS3, useTestBucket } from "../helpers/s3.js";

const t = useTestBucket();
const proxy = useFaultProxy();

describe("move while the source is being overwritten", () => {
  it("hardening 7: in a versioned bucket, a newer source written in between is never deleted", async () => {
    await enableVersioning(t.raw, t.bucket.name);
    const old = await t.bucket.put("src.txt", "old content");
    let newer: string | undefined;
    const s3 = testS3({ endpoint: proxy.endpoint });
    try {
      // Just before move's delete reaches the store, another writer replaces the source.
      proxy.addRule({
        match: (request) => request.method === "DELETE" && request.path.endsWith("/src.txt"),
        action: {
          kind: "before",
          run: async () => {
            newer = (await t.bucket.put("src.txt", "new content")).versionId;
          },
        },
      });
      const deletes: unknown[] = [];
      s3.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "DeleteObjectCommand") deletes.push(args.input);
          return next(args);
        },
        { step: "initialize", name: "recordDeletes" },
      );
      // A store that honours If-Match on DeleteObject refuses the delete; MinIO ignores it and
      // puts a delete marker on top. Either way no version is destroyed.
      const error = await s3
        .bucket(t.bucket.name)
        .move("src.txt", "dest.txt")
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      if (error !== undefined) expect(error).toBeInstanceOf(PreconditionFailedError);

      expect(await t.bucket.getText("dest.txt")).toBe("old content");
      expect(deletes).toEqual([{ Bucket: t.bucket.name, Key: "src.txt", IfMatch: old.etag }]);
      const listed = await t.raw.send(
        new ListObjectVersionsCommand({ Bucket: t.bucket.name, Prefix: "src.txt" }),
      );
      expect(listed.Versions?.map((v) => v.VersionId).sort()).toEqual(
        [old.versionId, newer].sort(),
      );
    } finally {
      s3.close();
    }
  });

  it("without versioning, the delete carries If-Match with the copied ETag", async () => {
    const put = await t.bucket.put("plain.txt", "content");
    const inputs: Array<DeleteObjectCommand["input"]> = [];
    t.s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "DeleteObjectCommand") {
          inputs.push(args.input as DeleteObjectCommand["input"]);
        }
        return next(args);
      },
      { step: "initialize", name: "recordPlainDeletes" },
    );
    await t.bucket.move("plain.txt", "moved.txt");
    expect(inputs).toEqual([{ Bucket: t.bucket.name, Key: "plain.txt", IfMatch: put.etag }]);
    expect(await t.bucket.exists("plain.txt")).toBe(false);
    expect(await t.bucket.getText("moved.txt")).toBe("content");
  });
});
