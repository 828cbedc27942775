import { randomBytes } from "node:crypto";
import {
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { PreconditionFailedError, type S3 } from "../../src/index.js";
import { drain } from "../helpers/assertions.js";
import { getOf, type ProxiedRequest, useFaultProxy } from "../helpers/fault-proxy.js";
import { enableVersioning, testS3, useTestBucket } from "../helpers/s3.js";

// Faults between the client and MinIO, on both request paths: a response lost after the store
// carried the request out, a reset or a stall in the middle of a body, injected 503s, a
// gateway's own answer after the store's work. Writes must resolve without writing twice or
// failing, leave no upload; reads must resume pinned to the ETag and never splice objects.

const MiB = 1024 * 1024;
const t = useTestBucket();
const proxy = useFaultProxy();
const clients: S3[] = [];
afterEach(() => {
  for (const s3 of clients.splice(0)) s3.close();
});

function client(transport: "lean" | "sdk", requestTimeout?: number): S3 {
  const s3 = testS3({
    endpoint: proxy.endpoint,
    transport,
    retryDelay: 1,
    maxRetryDelay: 20,
    ...(requestTimeout !== undefined && { requestTimeout }),
  });
  clients.push(s3);
  return s3;
}

const isObject = (method: string, key: string) => (request: ProxiedRequest) =>
  request.method === method &&
  request.path.endsWith(`/${key}`) &&
  !request.query.has("uploadId") &&
  !request.query.has("tagging");
const isTagging = (method: string) => (request: ProxiedRequest) =>
  request.method === method && request.query.has("tagging");
const count = (match: (request: ProxiedRequest) => boolean) => proxy.requests.filter(match).length;

async function versionsOf(Key: string): Promise<number> {
  const page = await t.raw.send(
    new ListObjectVersionsCommand({ Bucket: t.bucket.name, Prefix: Key }),
  );
  return (page.Versions ?? []).filter((version) => version.Key === Key).length;
}

async function uploadsOf(Key: string): Promise<number> {
  const page = await t.raw.send(
    new ListMultipartUploadsCommand({ Bucket: t.bucket.name, Prefix: Key }),
  );
  return (page.Uploads ?? []).filter((upload) => upload.Key === Key).length;
}

async function storedEtag(Key: string): Promise<string | undefined> {
  return (await t.raw.send(new HeadObjectCommand({ Bucket: t.bucket.name, Key }))).ETag;
}

describe.each(["lean", "sdk"] as const)("on the %s path", (transport) => {
  it('put({ ifNoneMatch: "*" }) whose response is lost after MinIO stored it resolves, one version written', async () => {
    await enableVersioning(t.raw, t.bucket.name);
    proxy.addRule({ match: isObject("PUT", "once.json"), action: { kind: "drop" } });
    const bucket = client(transport).bucket(t.bucket.name);
    const result = await bucket.put("once.json", { id: 1 }, { ifNoneMatch: "*" });
    expect(count(isObject("PUT", "once.json"))).toBe(2);
    expect(result.etag).toBe(await storedEtag("once.json"));
    expect(await versionsOf("once.json")).toBe(1);
    expect(await t.bucket.getJson("once.json")).toEqual({ id: 1 });
  });

  it("put answered by a gateway's 503 after MinIO stored it resolves with the stored ETag", async () => {
    proxy.addRule({
      match: isObject("PUT", "gw.txt"),
      action: {
        kind: "afterServer",
        answer: { status: 503, body: "upstream connect error or disconnect/reset before headers" },
      },
    });
    const result = await client(transport)
      .bucket(t.bucket.name)
      .put("gw.txt", "hello", { ifNoneMatch: "*" });
    expect(result.etag).toBe(await storedEtag("gw.txt"));
    expect(await t.bucket.getText("gw.txt")).toBe("hello");
  });

  it("delete and setTags whose responses are lost resolve, done once", async () => {
    await t.bucket.put("d.txt", "x");
    await t.bucket.put("tags.txt", "x");
    proxy.addRule({ match: isObject("DELETE", "d.txt"), action: { kind: "drop" } });
    proxy.addRule({ match: isTagging("PUT"), action: { kind: "drop" } });
    const bucket = client(transport).bucket(t.bucket.name);
    await bucket.delete("d.txt");
    await bucket.setTags("tags.txt", { a: "b" });
    expect(await t.bucket.exists("d.txt")).toBe(false);
    const tags = await t.raw.send(
      new GetObjectTaggingCommand({ Bucket: t.bucket.name, Key: "tags.txt" }),
    );
    expect(tags.TagSet).toEqual([{ Key: "a", Value: "b" }]);
  });

  it("getTags whose answer is reset mid-body is retried", async () => {
    await t.bucket.put("t.txt", "x", { tags: { team: "a b", n: "1" } });
    proxy.addRule({
      match: isTagging("GET"),
      action: { kind: "reset", afterBytes: 40, flushHeaders: true },
    });
    expect(await client(transport).bucket(t.bucket.name).getTags("t.txt")).toEqual({
      team: "a b",
      n: "1",
    });
    expect(count(isTagging("GET"))).toBe(2);
  });

  it("injected 503s before every call are retried to success", async () => {
    await t.bucket.put("r.txt", "hello");
    proxy.addRule({ action: { kind: "status", status: 503, code: "SlowDown" }, times: 2 });
    const bucket = client(transport).bucket(t.bucket.name);
    expect(await bucket.getText("r.txt")).toBe("hello");
    proxy.addRule({ action: { kind: "status", status: 503, code: "SlowDown" }, times: 2 });
    expect((await bucket.put("r2.txt", "v")).etag).toBe(await storedEtag("r2.txt"));
    proxy.addRule({ action: { kind: "status", status: 503, code: "SlowDown" }, times: 2 });
    expect((await bucket.head("r.txt")).contentLength).toBe(5);
  });

  it("a read reset mid-body resumes pinned to the ETag, every byte right", async () => {
    const data = randomBytes(6 * MiB);
    const etag = await storedEtagAfterPut("big.bin", data);
    proxy.addRule({
      match: getOf(t.bucket.name, "big.bin"),
      action: { kind: "reset", afterBytes: 2 * MiB + 7 },
    });
    const bytes = await client(transport).bucket(t.bucket.name).getBytes("big.bin");
    expect(Buffer.from(bytes).equals(data)).toBe(true);
    const gets = proxy.requests.filter(getOf(t.bucket.name, "big.bin"));
    expect(gets).toHaveLength(2);
    expect(gets[1]?.headers["if-match"]).toBe(etag);
    expect(gets[1]?.headers.range).toMatch(new RegExp(`^bytes=\\d+-${6 * MiB - 1}$`));
  });

  it("a read whose body stalls resumes after requestTimeout, pinned to the ETag", async () => {
    const data = randomBytes(3 * MiB);
    const etag = await storedEtagAfterPut("stall.bin", data);
    proxy.addRule({
      match: getOf(t.bucket.name, "stall.bin"),
      action: { kind: "stall", afterBytes: MiB, ms: Number.POSITIVE_INFINITY },
    });
    const { bytes, error } = await drain(
      await client(transport, 500).bucket(t.bucket.name).stream("stall.bin"),
    );
    expect(error).toBeUndefined();
    expect(bytes.equals(data)).toBe(true);
    expect(proxy.requests.filter(getOf(t.bucket.name, "stall.bin"))[1]?.headers["if-match"]).toBe(
      etag,
    );
  });

  it("an object replaced between a reset and the resume fails the read, no byte of the new object delivered", async () => {
    const data = randomBytes(4 * MiB);
    await storedEtagAfterPut("moving.bin", data);
    const match = getOf(t.bucket.name, "moving.bin");
    proxy.addRule({ match, action: { kind: "reset", afterBytes: MiB } });
    proxy.addRule({
      match,
      action: {
        kind: "before",
        run: async () => void (await storedEtagAfterPut("moving.bin", randomBytes(4 * MiB))),
      },
    });
    const { bytes, error } = await drain(
      await client(transport).bucket(t.bucket.name).stream("moving.bin"),
    );
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(bytes.equals(data.subarray(0, bytes.length))).toBe(true);
  });

  it("an upload whose part responses are lost resolves and leaves no upload", async () => {
    const data = randomBytes(11 * MiB);
    proxy.addRule({
      match: (request) => request.method === "PUT" && request.query.has("partNumber"),
      action: { kind: "drop" },
      times: 2,
    });
    const result = await client(transport)
      .bucket(t.bucket.name)
      .upload(data, "parts.bin", { partSize: 5 * MiB });
    expect(result.etag).toBe(await storedEtag("parts.bin"));
    expect(Buffer.from(await t.bucket.getBytes("parts.bin")).equals(data)).toBe(true);
    expect(await uploadsOf("parts.bin")).toBe(0);
  });

  it("an upload aborted while a part's answer is held back rejects Aborted and leaves no upload", async () => {
    const isPart = (request: ProxiedRequest) =>
      request.method === "PUT" && request.query.has("partNumber");
    const controller = new AbortController();
    proxy.addRule({
      match: isPart,
      action: { kind: "afterServer", run: () => controller.abort() },
    });
    const error = await client(transport)
      .bucket(t.bucket.name)
      .upload(randomBytes(11 * MiB), "aborted.bin", {
        partSize: 5 * MiB,
        signal: controller.signal,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "Aborted" });
    expect(await uploadsOf("aborted.bin")).toBe(0);
    expect(await t.bucket.exists("aborted.bin")).toBe(false);
  });
});

/** Stores bytes straight in MinIO (not through the proxy); returns the ETag. */
async function storedEtagAfterPut(Key: string, Body: Uint8Array): Promise<string> {
  const out = await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key, Body }));
  return out.ETag as string;
}
