import { S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  attachmentDisposition,
  type Bucket,
  isS3Error,
  type PutBody,
  S3,
  ValidationError,
} from "../../src/index.js";

// Every send of every S3Client goes to this mock, so "no request" means: no call at all.
const s3Mock = mockClient(S3Client);

beforeEach(() => s3Mock.reset());

function mockedS3(): S3 {
  return new S3({ client: new S3Client({ region: "us-east-1" }) });
}

const circular: Record<string, unknown> = { name: "loop" };
circular.self = circular;

const elevenTags = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, "v"]));
const bigMetadata = { big: "x".repeat(2100) };
const loneSurrogate = "bad\uD800key";

/** A bad input and the call that must refuse it. `any` stands for what a JS caller may pass. */
type Row = [label: string, call: (s3: S3, bucket: Bucket) => unknown];

// biome-ignore lint/suspicious/noExplicitAny: the point is to pass what the types forbid.
const loose = (value: unknown): any => value;

const rows: Row[] = [
  // keys
  ["empty key", (_s3, b) => b.put("", "x")],
  ['key starting with "/"', (_s3, b) => b.put("/a.txt", "x")],
  ["non-string key", (_s3, b) => b.put(loose(42), "x")],
  ["null key", (_s3, b) => b.getText(loose(null))],
  ["ill-formed unicode key (lone surrogate)", (_s3, b) => b.put(loneSurrogate, "x")],
  ["1025-byte key", (_s3, b) => b.put("k".repeat(1025), "x")],
  ["1025 bytes of multi-byte characters (513 × é)", (_s3, b) => b.getBytes("é".repeat(513))],
  [
    "key that fits alone but not with its prefix",
    (_s3, b) => b.prefix("p").put("k".repeat(1023), "x"),
  ],
  ["empty key to head", (_s3, b) => b.head("")],
  ['key starting with "/" to exists', (_s3, b) => b.exists("/k")],
  ["empty key to delete", (_s3, b) => b.delete("")],
  ["empty key to getTags", (_s3, b) => b.getTags("")],
  // prefixes
  ['prefix ".."', (_s3, b) => b.prefix("..")],
  ['prefix "."', (_s3, b) => b.prefix(".")],
  ['prefix ""', (_s3, b) => b.prefix("")],
  ['prefix "///"', (_s3, b) => b.prefix("///")],
  ['prefix "a/../b"', (_s3, b) => b.prefix("a/../b")],
  ['prefix "a/./b"', (_s3, b) => b.prefix("a/./b")],
  ["non-string prefix segment", (_s3, b) => b.prefix(loose(7))],
  ["ill-formed unicode prefix", (_s3, b) => b.prefix(loneSurrogate)],
  ["prefix over 1024 bytes", (_s3, b) => b.prefix("p".repeat(1030))],
  // bucket names
  ["empty bucket name", (s3) => s3.bucket("")],
  ["bucket name with a slash", (s3) => s3.bucket("a/b")],
  ["bucket name with a space", (s3) => s3.bucket("my bucket")],
  ["non-string bucket name", (s3) => s3.bucket(loose(undefined))],
  ["bad bucket name to createBucket", (s3) => s3.createBucket("no such/bucket")],
  ["bad bucket name to deleteBucket", (s3) => s3.deleteBucket("")],
  // ranges
  ["negative range offset", (_s3, b) => b.getBytes("k", { range: { offset: -1 } })],
  ["fractional range offset", (_s3, b) => b.getBytes("k", { range: { offset: 1.5 } })],
  ["zero range length", (_s3, b) => b.getText("k", { range: { offset: 0, length: 0 } })],
  [
    "non-numeric range length",
    (_s3, b) => b.getJson("k", { range: { offset: 0, length: loose("5") } }),
  ],
  // read options
  ["hardening 15: range null to getBytes", (_s3, b) => b.getBytes("k", { range: loose(null) })],
  ["hardening 15: range null to lines", (_s3, b) => b.lines("k", { range: loose(null) })],
  ["hardening 15: empty ifMatch to getText", (_s3, b) => b.getText("k", { ifMatch: "" })],
  ["hardening 15: numeric ifMatch to stream", (_s3, b) => b.stream("k", { ifMatch: loose(42) })],
  ["hardening 15: empty ifMatch to lines", (_s3, b) => b.lines("k", { ifMatch: "" })],
  ["hardening 15: empty versionId to getBytes", (_s3, b) => b.getBytes("k", { versionId: "" })],
  [
    "hardening 15: object versionId to download",
    (_s3, b) => b.download("k", "/tmp/s3kit-never-written", { versionId: loose({}) }),
  ],
  ["hardening 15: empty versionId to head", (_s3, b) => b.head("k", { versionId: "" })],
  ["hardening 15: numeric versionId to exists", (_s3, b) => b.exists("k", { versionId: loose(5) })],
  ["hardening 15: string signal to getJson", (_s3, b) => b.getJson("k", { signal: loose("x") })],
  ["hardening 15: string signal to stream", (_s3, b) => b.stream("k", { signal: loose("x") })],
  ["hardening 15: string signal to lines", (_s3, b) => b.lines("k", { signal: loose("x") })],
  [
    "hardening 15: plain-object signal to download",
    (_s3, b) => b.download("k", "/tmp/s3kit-never-written", { signal: loose({}) }),
  ],
  ["hardening 15: string signal to head", (_s3, b) => b.head("k", { signal: loose("x") })],
  ["hardening 15: string signal to exists", (_s3, b) => b.exists("k", { signal: loose("x") })],
  ["hardening 15: string signal to put", (_s3, b) => b.put("k", "x", { signal: loose("x") })],
  [
    "hardening 15: object signal to deleteMany",
    (_s3, b) => b.deleteMany(["k"], { signal: loose({}) }),
  ],
  ["hardening 15: string signal to list", (_s3, b) => b.list({ signal: loose("x") })],
  ["hardening 15: string signal to listBuckets", (s3) => s3.listBuckets({ signal: loose("x") })],
  // metadata, headers, tags
  ["non-ASCII metadata value", (_s3, b) => b.put("k", "x", { metadata: { city: "Zürich" } })],
  [
    "metadata name that is not a header name",
    (_s3, b) => b.put("k", "x", { metadata: { "bad key": "v" } }),
  ],
  ["metadata over 2 KB", (_s3, b) => b.put("k", "x", { metadata: bigMetadata })],
  ["non-string metadata value", (_s3, b) => b.put("k", "x", { metadata: { n: loose(1) } })],
  ["metadata that is not an object", (_s3, b) => b.put("k", "x", { metadata: loose("a=b") })],
  [
    "contentType with a newline",
    (_s3, b) => b.put("k", "x", { contentType: "text/plain\r\nX-Evil: 1" }),
  ],
  ["empty cacheControl", (_s3, b) => b.put("k", "x", { cacheControl: "" })],
  [
    "hardening 15: contentDisposition with a file name outside Latin-1",
    (_s3, b) => b.put("k", "x", { contentDisposition: 'attachment; filename="report-€.pdf"' }),
  ],
  [
    "hardening 15: contentDisposition with an accented file name",
    (_s3, b) =>
      b.upload(new Uint8Array(1), "k", { contentDisposition: 'inline; filename="résumé.pdf"' }),
  ],
  [
    "hardening 15: contentType with a NUL",
    (_s3, b) => b.put("k", "x", { contentType: "text/plain\u0000" }),
  ],
  [
    "hardening 15: cacheControl with DEL",
    (_s3, b) => b.put("k", "x", { cacheControl: "max-age=60\u007f" }),
  ],
  ["hardening 15: a blank contentType", (_s3, b) => b.put("k", "x", { contentType: " " })],
  [
    "hardening 15: a tab-only contentLanguage",
    (_s3, b) => b.put("k", "x", { contentLanguage: "\t" }),
  ],
  [
    "hardening 15: a non-ASCII default cacheControl",
    (s3) => s3.bucket("valid-bucket", { defaults: { cacheControl: "max-âge=60" } }).put("k", "x"),
  ],
  [
    "hardening 15: a copy replacing contentDisposition with a non-ASCII one",
    (_s3, b) => b.copy("a", "b", { contentDisposition: "attachment; filename=ü.txt" }),
  ],
  ["hardening 15: ifMatch outside ASCII", (_s3, b) => b.put("k", "x", { ifMatch: '"é"' })],
  [
    "hardening 15: metadata names differing only in case",
    (_s3, b) => b.put("k", "x", { metadata: { Owner: "alice", owner: "bob" } }),
  ],
  ["11 tags on put", (_s3, b) => b.put("k", "x", { tags: elevenTags })],
  ["11 tags on setTags", (_s3, b) => b.setTags("k", elevenTags)],
  ["tag key of 129 characters", (_s3, b) => b.setTags("k", { ["k".repeat(129)]: "v" })],
  ["tag value of 257 characters", (_s3, b) => b.put("k", "x", { tags: { t: "v".repeat(257) } })],
  ["empty tag key", (_s3, b) => b.setTags("k", { "": "v" })],
  ["non-string tag value", (_s3, b) => b.setTags("k", { t: loose(5) })],
  ['hardening 15: a tag value with "&"', (_s3, b) => b.setTags("k", { "k=1": "v&2" })],
  [
    'hardening 15: a tag key with "#" on put',
    (_s3, b) => b.put("k", "x", { tags: { "a#b": "1" } }),
  ],
  [
    'hardening 15: a tag value with "?" on upload',
    (_s3, b) => b.upload(new Uint8Array(1), "k", { tags: { t: "why?" } }),
  ],
  [
    'hardening 15: a tag value with "<" on copy',
    (_s3, b) => b.copy("a", "b", { tags: { t: "<x>" } }),
  ],
  ["hardening 15: a tag value with a tab", (_s3, b) => b.setTags("k", { t: "a\tb" })],
  [
    "hardening 15: a tag key with a lone surrogate",
    (_s3, b) => b.setTags("k", { [loneSurrogate]: "v" }),
  ],
  // conditions
  ['ifNoneMatch other than "*"', (_s3, b) => b.put("k", "x", { ifNoneMatch: loose('"etag"') })],
  ["empty ifMatch", (_s3, b) => b.put("k", "x", { ifMatch: "" })],
  ["ifMatch with ifNoneMatch", (_s3, b) => b.put("k", "x", { ifMatch: '"e"', ifNoneMatch: "*" })],
  // bodies
  ["Date body", (_s3, b) => b.put("k", loose(new Date()))],
  ["Map body", (_s3, b) => b.put("k", loose(new Map([["a", 1]])))],
  ["number body", (_s3, b) => b.put("k", loose(42))],
  ["boolean body", (_s3, b) => b.put("k", loose(true))],
  ["null body", (_s3, b) => b.put("k", loose(null))],
  ["undefined body", (_s3, b) => b.put("k", loose(undefined))],
  ["class instance body", (_s3, b) => b.put("k", loose(new (class Point {})()))],
  ["circular JSON body", (_s3, b) => b.put("k", circular as PutBody)],
  ["JSON body with a BigInt", (_s3, b) => b.put("k", { n: 1n } as PutBody)],
  // S3 options
  ["maxRetries -1", () => new S3({ maxRetries: -1 })],
  ["maxRetries 1.5", () => new S3({ maxRetries: 1.5 })],
  ["maxRetries NaN", () => new S3({ maxRetries: Number.NaN })],
  ["retryDelay -5", () => new S3({ retryDelay: -5 })],
  ["maxRetryDelay as a string", () => new S3({ maxRetryDelay: loose("1000") })],
  ["requestTimeout 0", () => new S3({ requestTimeout: 0 })],
  ['checksums "x"', () => new S3({ checksums: loose("x") })],
  ['endpoint "not a url"', () => new S3({ endpoint: "not a url" })],
  // @ts-expect-error: S3Options refuses a connection option beside client; JS callers get this error
  ["client with region", () => new S3({ client: new S3Client({}), region: "eu-west-1" })],
  [
    "client with endpoint",
    // @ts-expect-error: S3Options refuses a connection option beside client; JS callers get this error
    () => new S3({ client: new S3Client({}), endpoint: "http://127.0.0.1:9000" }),
  ],
  ["client that is not an S3Client", () => new S3({ client: loose({ send() {} }) })],
  // URLs
  ['fromUrl("http://x")', (s3) => s3.fromUrl("http://x")],
  ['fromUrl("s3://")', (s3) => s3.fromUrl("s3://")],
  ['fromUrl("s3://bad bucket/x")', (s3) => s3.fromUrl("s3://bad bucket/x")],
  ['fromUrl("s3://b/../x")', (s3) => s3.fromUrl("s3://b/../x")],
  ["fromUrl(non-string)", (s3) => s3.fromUrl(loose(undefined))],
  // presign (local, but still checked)
  ["presign expiresIn 0", (_s3, b) => b.presign("k", { expiresIn: 0 })],
  ["presign expiresIn over 7 days", (_s3, b) => b.presign("k", { expiresIn: 604_801 })],
  ["presign with an empty key", (_s3, b) => b.presign("")],
];

describe("bad inputs → ValidationError before any request", () => {
  it("covers at least 25 distinct bad inputs", () => {
    expect(new Set(rows.map(([label]) => label)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });

  it.each(rows)("%s", async (_label, call) => {
    const s3 = mockedS3();
    let thrown: unknown;
    try {
      await call(s3, s3.bucket("valid-bucket"));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(isS3Error(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: "ValidationError", retryable: false });
    expect((thrown as Error).message.length).toBeGreaterThan(10);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it("the same S3 still works after refusing bad input (the mock answers the good call)", async () => {
    s3Mock.onAnyCommand().resolves({ ETag: '"e"' });
    const bucket = mockedS3().bucket("valid-bucket");
    await expect(bucket.put("", "x")).rejects.toBeInstanceOf(ValidationError);
    expect(s3Mock.calls()).toHaveLength(0);
    await expect(bucket.put("ok.txt", "x")).resolves.toMatchObject({ key: "ok.txt", etag: '"e"' });
    expect(s3Mock.calls()).toHaveLength(1);
  });
});

describe("header values say how to encode what they cannot carry", () => {
  it("hardening 15: a non-ASCII file name in contentDisposition is refused pointing to RFC 8187 and attachmentDisposition", async () => {
    const bucket = mockedS3().bucket("valid-bucket");
    const error = await bucket
      .put("k", "x", { contentDisposition: 'attachment; filename="résumé.pdf"' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /contentDisposition.*filename\*=UTF-8''.*attachmentDisposition/,
    );
    expect(attachmentDisposition("résumé.pdf")).toBe(
      "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
    );
  });

  it("hardening 15: metadata names differing only in case are refused naming both", async () => {
    const bucket = mockedS3().bucket("valid-bucket");
    const error = await bucket
      .put("k", "x", { metadata: { Owner: "alice", owner: "bob" } })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/"Owner" and "owner" differ only in case/);
  });
});

describe("the edges that are valid", () => {
  it("a call's metadata name replaces the scope's default of another case", async () => {
    s3Mock.onAnyCommand().resolves({ ETag: '"e"' });
    const bucket = mockedS3().bucket("valid-bucket", { defaults: { metadata: { Owner: "team" } } });
    await bucket.put("k", "x", { metadata: { owner: "alice" } });
    const input = s3Mock.calls()[0]?.args[0].input as { Metadata?: Record<string, string> };
    expect(input.Metadata).toEqual({ owner: "alice" });
  });

  it("accepts a key of exactly 1024 bytes, counting multi-byte characters and the prefix", async () => {
    s3Mock.onAnyCommand().resolves({ ETag: '"e"' });
    const bucket = mockedS3().bucket("valid-bucket");
    await bucket.put("é".repeat(512), "x");
    await bucket.prefix("p").put("k".repeat(1022), "x");
    await bucket.put("k".repeat(1024), "x");
    expect(s3Mock.calls()).toHaveLength(3);
  });

  it("accepts 10 tags, a 128-character tag key and a 256-character value", async () => {
    s3Mock.onAnyCommand().resolves({});
    const bucket = mockedS3().bucket("valid-bucket");
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, "v"]));
    await bucket.setTags("k", ten);
    await bucket.setTags("k", { ["k".repeat(128)]: "v".repeat(256) });
    expect(s3Mock.calls()).toHaveLength(2);
  });

  it("accepts tags of letters and numbers of any script, spaces and + - = . _ : / @", async () => {
    s3Mock.onAnyCommand().resolves({});
    const bucket = mockedS3().bucket("valid-bucket");
    const tags = { "cost center": "a+b=c d:/@", "x-y_z.1": "-_.", Zürich: "東京 ٣", "k=1": "" };
    await bucket.setTags("k", tags);
    const input = s3Mock.calls()[0]?.args[0].input as { Tagging?: { TagSet?: unknown } };
    expect(input.Tagging?.TagSet).toEqual(
      Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    );
  });

  it("accepts prefix segments with slashes to strip and collapses them", () => {
    const bucket = mockedS3().bucket("valid-bucket");
    expect(bucket.prefix("/logs/", "//2025//").path).toBe("logs/2025/");
    expect(bucket.prefix("logs").prefix("2025").path).toBe(bucket.prefix("logs/2025").path);
    expect(s3Mock.calls()).toHaveLength(0);
  });
});
