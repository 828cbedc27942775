import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PreconditionFailedError, type S3 } from "../../src/index.js";
import { drain } from "../helpers/assertions.js";
import { getOf, type ProxiedRequest, useFaultProxy } from "../helpers/fault-proxy.js";
import { putRaw, testS3, useTestBucket } from "../helpers/s3.js";

// open() and respond() read through the resumable path of stream(): a reset mid-body costs a
// ranged GET pinned to the ETag, and the web stream (or Response body) never sees the break.

const MiB = 1024 * 1024;
const t = useTestBucket();
const proxy = useFaultProxy();
/** An S3 that talks to MinIO through the fault proxy, with quick retries. */
let s3: S3;

beforeEach(() => {
  s3 = testS3({ endpoint: proxy.endpoint, retryDelay: 1, maxRetryDelay: 20 });
});
afterEach(() => {
  s3.close();
});

/** The GETs of `key` that reached the proxy, in order. */
const getsOf = (key: string): ProxiedRequest[] => proxy.requests.filter(getOf(t.bucket.name, key));

function resetAfter(key: string, afterBytes: number): void {
  proxy.addRule({ match: getOf(t.bucket.name, key), action: { kind: "reset", afterBytes } });
}

describe("open() resumes like stream()", () => {
  it("a reset mid-body: the web stream delivers every byte, the resume pinned to the ETag", async () => {
    const data = randomBytes(8 * MiB);
    const etag = await putRaw(t, "v.bin", data);
    resetAfter("v.bin", 3 * MiB + 5);
    const file = await s3.bucket(t.bucket.name).open("v.bin");
    if (file.status === 304) throw new Error("expected a body");
    const { bytes, error } = await drain(file.body);
    expect(error).toBeUndefined();
    expect(bytes.equals(data)).toBe(true);
    const gets = getsOf("v.bin");
    expect(gets).toHaveLength(2);
    expect(gets[1]?.headers["if-match"]).toBe(etag);
    expect(gets[1]?.headers.range).toMatch(new RegExp(`^bytes=\\d+-${8 * MiB - 1}$`));
  });

  it("a suffix range resumes inside the range it turned out to be", async () => {
    const data = randomBytes(8 * MiB);
    await putRaw(t, "s.bin", data);
    resetAfter("s.bin", MiB);
    const file = await s3.bucket(t.bucket.name).open("s.bin", { range: { suffix: 3 * MiB } });
    if (file.status === 304) throw new Error("expected a body");
    expect(file.range).toEqual({ start: 5 * MiB, end: 8 * MiB - 1, size: 8 * MiB });
    const { bytes, error } = await drain(file.body);
    expect(error).toBeUndefined();
    expect(bytes.equals(data.subarray(5 * MiB))).toBe(true);
    const gets = getsOf("s.bin");
    expect(gets.map((get) => get.headers.range)).toEqual([
      `bytes=-${3 * MiB}`,
      expect.stringMatching(new RegExp(`^bytes=\\d+-${8 * MiB - 1}$`)),
    ]);
  });

  it("the object overwritten before the resume: the stream errors with PreconditionFailedError, no new byte", async () => {
    const old = randomBytes(4 * MiB);
    await putRaw(t, "o.bin", old);
    resetAfter("o.bin", MiB);
    proxy.addRule({
      match: getOf(t.bucket.name, "o.bin"),
      action: {
        kind: "before",
        run: () => putRaw(t, "o.bin", randomBytes(4 * MiB)).then(() => undefined),
      },
    });
    const file = await s3.bucket(t.bucket.name).open("o.bin");
    if (file.status === 304) throw new Error("expected a body");
    const { bytes, error } = await drain(file.body);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(bytes.equals(old.subarray(0, bytes.length))).toBe(true);
  });
});

describe("respond() resumes too", () => {
  it("a 206 whose S3 connection resets mid-body still answers exactly the range", async () => {
    const data = randomBytes(6 * MiB);
    await putRaw(t, "m.mp4", data);
    resetAfter("m.mp4", 2 * MiB);
    const request = new Request("http://app.test/m.mp4", { headers: { range: `bytes=${MiB}-` } });
    const response = await s3.bucket(t.bucket.name).respond("m.mp4", request);
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${MiB}-${6 * MiB - 1}/${6 * MiB}`);
    const { bytes, error } = await drain(response.body as ReadableStream<Uint8Array>);
    expect(error).toBeUndefined();
    expect(bytes.equals(data.subarray(MiB))).toBe(true);
    expect(getsOf("m.mp4")).toHaveLength(2);
  });
});
