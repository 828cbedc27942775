import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PutBucketLoggingCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { type CannedAcl, ValidationError } from "../../src/index.js";
import { type FakeReply, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { useTempDir } from "../helpers/files.js";
import { policyOf } from "../helpers/forms.js";
import { operationOf, xmlReply } from "../helpers/s3-wire.js";

// Item 10 of issue 13, on the wire: the canned ACL of every write is the x-amz-acl header of
// the request that makes the object (PutObject, CreateMultipartUpload, CopyObject), on both
// transports; links sign it (PUT) or pin it in the policy (POST). A bad one is refused before
// any request.

const fakes = useFakeS3();
const dir = useTempDir("acl");
const TRANSPORTS = ["lean", "sdk"] as const;
const MiB = 1024 * 1024;

/** The operation of a request, CopyObject told from PutObject by its copy source. */
function operation(request: SeenRequest): string {
  const named = operationOf(request);
  return named === "PutObject" && "x-amz-copy-source" in request.headers ? "CopyObject" : named;
}

/** A store answering every write, and the HEAD and tag reads of a 6 MiB source "src". */
function store(request: SeenRequest): FakeReply {
  const name = operation(request);
  if (name === "CreateMultipartUpload") {
    return xmlReply(
      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>",
    );
  }
  if (name === "UploadPartCopy") {
    return xmlReply('<CopyPartResult><ETag>"p"</ETag></CopyPartResult>');
  }
  if (name === "CopyObject") {
    return xmlReply('<CopyObjectResult><ETag>"c"</ETag></CopyObjectResult>');
  }
  if (name === "CompleteMultipartUpload") {
    return xmlReply(
      '<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"done-2"</ETag></CompleteMultipartUploadResult>',
    );
  }
  if (name === "GetObjectTagging") return xmlReply("<Tagging><TagSet></TagSet></Tagging>");
  if (name === "HeadObject") {
    return { status: 200, headers: { etag: '"e1"' }, contentLength: 6 * MiB };
  }
  return { status: 200, headers: { etag: '"e1"' } };
}

/** "operation acl" for each request, acl "-" when it has no x-amz-acl header. */
function acls(requests: SeenRequest[]): string[] {
  return requests.map((r) => `${operation(r)} ${r.headers["x-amz-acl"] ?? "-"}`);
}

describe.each(TRANSPORTS)("canned ACLs on the wire (%s)", (transport) => {
  it("put sends the acl as x-amz-acl; a per-call acl wins over the scope's", async () => {
    const { server, s3 } = await fakes.serve(store, { transport });
    const bucket = s3.bucket("b");
    await bucket.put("a", "x", { acl: "public-read" });
    const assets = bucket.prefix("assets", { defaults: { acl: "public-read" } });
    await assets.put("b", "x");
    await assets.put("c", new Uint8Array(3), { acl: "private" });
    await bucket.put("d", "x");
    expect(acls(server.requests)).toEqual([
      "PutObject public-read",
      "PutObject public-read",
      "PutObject private",
      "PutObject -",
    ]);
  });

  it("a small put with an acl takes the lean path like any other", async () => {
    const { server, s3 } = await fakes.serve(store, { transport });
    await s3.bucket("b").put("a", "x", { acl: "bucket-owner-full-control" });
    // The SDK's serializer names the operation in the query; the lean path does not.
    expect(server.requests[0]?.url.includes("x-id=PutObject")).toBe(transport === "sdk");
  });

  it("a multipart upload sets it on CreateMultipartUpload only", async () => {
    const { server, s3 } = await fakes.serve(store, { transport });
    await s3.bucket("b").upload(new Uint8Array(6 * MiB), "big", {
      acl: "authenticated-read",
      partSize: 5 * MiB,
    });
    expect(acls(server.requests)).toEqual([
      "CreateMultipartUpload authenticated-read",
      "UploadPart -",
      "UploadPart -",
      "CompleteMultipartUpload -",
    ]);
  });

  it("copy sets it on CopyObject and on a multipart copy's Create; the scope's applies too", async () => {
    const { server, s3 } = await fakes.serve(store, { transport });
    const bucket = s3.bucket("b", { defaults: { acl: "bucket-owner-read" } });
    await bucket.copy("src", "one");
    await bucket.copy("src", "two", { acl: "public-read", copyThreshold: 5 * MiB });
    const writes = acls(server.requests).filter((line) => !/^(Head|GetObjectTagging)/.test(line));
    expect(writes).toEqual([
      "CopyObject bucket-owner-read",
      "CreateMultipartUpload public-read",
      "UploadPartCopy -",
      "CompleteMultipartUpload -",
    ]);
  });

  it("uploadDir sets it on every file", async () => {
    const { server, s3 } = await fakes.serve(store, { transport });
    await mkdir(join(dir.path, "sub"));
    await writeFile(join(dir.path, "a.txt"), "a");
    await writeFile(join(dir.path, "sub", "b.txt"), "b");
    const result = await s3.bucket("b").uploadDir(dir.path, { acl: "public-read" });
    expect(result.failed).toEqual([]);
    expect(acls(server.requests)).toEqual(["PutObject public-read", "PutObject public-read"]);
  });

  it("refuses any other acl with a ValidationError before any request", async () => {
    const { server, s3 } = await fakes.serve(store, { transport });
    const bucket = s3.bucket("b");
    const bad = "public" as CannedAcl;
    await writeFile(join(dir.path, "a.txt"), "a");
    const calls: Array<() => Promise<unknown>> = [
      () => bucket.put("k", "x", { acl: bad }),
      () => bucket.put("k", "x", { acl: "PUBLIC-READ" as CannedAcl }),
      () => bucket.put("k", "x", { acl: 1 as never }),
      () => s3.bucket("b", { defaults: { acl: bad } }).put("k", "x"),
      () => bucket.upload(new Uint8Array(1), "k", { acl: bad }),
      () => bucket.copy("src", "k", { acl: bad }),
      () => bucket.copyMany([["src", "k"]], { acl: bad }),
      () => bucket.uploadDir(dir.path, { acl: bad }),
      () => bucket.presign("k", { method: "PUT", acl: bad }),
      () => bucket.presignPost("k", { acl: bad }),
    ];
    for (const call of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain('acl must be one of "private", "public-read"');
    }
    expect(server.requests).toEqual([]);
  });
});

describe("canned ACLs in presigned links", () => {
  it("a PUT link signs x-amz-acl as a header the uploader must send", async () => {
    const { s3 } = await fakes.serve(store);
    const url = new URL(await s3.bucket("b").presign("k", { method: "PUT", acl: "public-read" }));
    expect(url.searchParams.get("X-Amz-SignedHeaders")?.split(";")).toContain("x-amz-acl");
    expect(url.searchParams.has("x-amz-acl")).toBe(false);
  });

  it("a GET link refuses an acl", async () => {
    const { s3 } = await fakes.serve(store);
    const options = { acl: "public-read" } as never;
    await expect(s3.bucket("b").presign("k", options)).rejects.toThrow(/acl only apply to PUT/);
  });

  it("a POST form carries the acl field, pinned by the policy; the scope's acl is not applied", async () => {
    const { s3 } = await fakes.serve(store);
    const bucket = s3.bucket("b", { defaults: { acl: "public-read" } });
    const post = await bucket.presignPost("k", { acl: "public-read-write" });
    expect(post.fields.acl).toBe("public-read-write");
    expect(policyOf(post).conditions).toContainEqual({ acl: "public-read-write" });
    const plain = await bucket.presignPost("k");
    expect(plain.fields.acl).toBeUndefined();
  });
});

describe("canned ACLs: the client escape hatch (README example, run as written)", () => {
  it("turns bucket logging on with s3.client (MinIO refuses PutBucketLogging: fake-s3)", async () => {
    const { server, s3 } = await fakes.serve(() => ({ status: 200 }));
    const bucket = s3.bucket("b");
    // README: "Canned ACLs and the client escape hatch", second example, from here…
    await s3.client.send(
      new PutBucketLoggingCommand({
        Bucket: bucket.name,
        BucketLoggingStatus: {
          LoggingEnabled: { TargetBucket: "my-logs", TargetPrefix: `${bucket.name}/` },
        },
      }),
    );
    // …to here.
    const [request] = server.requests;
    expect(request?.method).toBe("PUT");
    expect(request?.url).toBe("/b/?logging=");
    expect(request?.body).toContain(
      "<LoggingEnabled><TargetBucket>my-logs</TargetBucket><TargetPrefix>b/</TargetPrefix></LoggingEnabled>",
    );
  });

  it("the README's examples are the code these tests run", async () => {
    const read = (path: string) => readFile(new URL(path, import.meta.url), "utf8");
    const readme = await read("../../README.md");
    const start = readme.indexOf("## Canned ACLs and the client escape hatch");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const examples = [...section.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((match) => match[1] ?? "")
      .filter((code) => code.includes("s3.client.send"));
    expect(examples).toHaveLength(2);
    const lines = (text: string) =>
      text
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("import "))
        .join("\n");
    const tests = lines(
      (await read("./canned-acls.test.ts")) + (await read("../integration/canned-acls.test.ts")),
    );
    for (const example of examples) expect(tests).toContain(lines(example));
  });
});
