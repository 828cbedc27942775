import { type DeleteObjectCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { useFaultProxy } from "../helpers/fault-proxy.js";
import { testS3, useTestBucket } from "../helpers/s3.js";

const t = useTestBucket();
const proxy = useFaultProxy();

describe("move while the source is being overwritten", () => {
  it("deletes only the version it copied: a newer source written in between survives", async () => {
    await t.raw.send(
      new PutBucketVersioningCommand({
        Bucket: t.bucket.name,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
    await t.bucket.put("src.txt", "old content");
    const s3 = testS3({ endpoint: proxy.endpoint });
    try {
      // Just before move's delete reaches the store, another writer replaces the source.
      proxy.addRule({
        match: (request) => request.method === "DELETE" && request.path.endsWith("/src.txt"),
        action: {
          kind: "before",
          run: async () => void (await t.bucket.put("src.txt", "new content")),
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
      await s3.bucket(t.bucket.name).move("src.txt", "dest.txt");

      expect(await t.bucket.getText("dest.txt")).toBe("old content");
      expect(await t.bucket.getText("src.txt")).toBe("new content");
      expect(deletes).toHaveLength(1);
      expect((deletes[0] as DeleteObjectCommand["input"]).VersionId).toBeTruthy();
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
    expect(inputs).toEqual([
      expect.objectContaining({ Key: "plain.txt", IfMatch: put.etag, VersionId: undefined }),
    ]);
    expect(await t.bucket.exists("plain.txt")).toBe(false);
    expect(await t.bucket.getText("moved.txt")).toBe("content");
  });
});
