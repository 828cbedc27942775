import { Readable } from "node:stream";
import { HeadObjectCommand, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { Bucket, PutBody } from "../../src/index.js";
import { useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

// Per-scope write defaults, checked with the raw SDK; tests/unit/defaults.test.ts checks the
// header values.

const t = useTestBucket();

async function rawHead(key: string): Promise<HeadObjectCommandOutput> {
  return t.raw.send(new HeadObjectCommand({ Bucket: t.bucket.name, Key: key }));
}

function withDefaults(): Bucket {
  return t.s3.bucket(t.bucket.name, {
    defaults: {
      cacheControl: "public, max-age=600",
      metadata: { team: "storage", env: "test" },
      storageClass: "REDUCED_REDUNDANCY",
    },
  });
}

const bodies: Array<[label: string, key: string, body: () => PutBody]> = [
  ["string", "s.txt", () => "text"],
  ["JSON", "j.json", () => ({ a: 1 })],
  ["bytes", "b.bin", () => new Uint8Array([1, 2])],
  ["Readable", "r.bin", () => Readable.from([Buffer.from("streamed")])],
  ["Blob", "blob.bin", () => new Blob(["blob"])],
];

describe("bucket defaults apply to every write", () => {
  it.each(bodies)("put(%s)", async (_label, key, body) => {
    await withDefaults().put(key, body());
    const head = await rawHead(key);
    expect(head.CacheControl).toBe("public, max-age=600");
    expect(head.Metadata).toEqual({ team: "storage", env: "test" });
    expect(head.StorageClass).toBe("REDUCED_REDUNDANCY");
  });

  it("upload(), single part and multipart", async () => {
    const bucket = withDefaults();
    await bucket.upload(new Uint8Array(100), "small.bin");
    await bucket.upload(new Uint8Array(6 * 1024 * 1024), "large.bin", {
      partSize: 5 * 1024 * 1024,
    });
    for (const key of ["small.bin", "large.bin"]) {
      const head = await rawHead(key);
      expect(head.CacheControl).toBe("public, max-age=600");
      expect(head.Metadata).toEqual({ team: "storage", env: "test" });
      expect(head.StorageClass).toBe("REDUCED_REDUNDANCY");
    }
  });

  it("per-call options win, metadata is merged key by key", async () => {
    await withDefaults().put("own.txt", "x", {
      cacheControl: "no-store",
      metadata: { env: "prod", extra: "1" },
      storageClass: "STANDARD",
    });
    const head = await rawHead("own.txt");
    expect(head.CacheControl).toBe("no-store");
    expect(head.Metadata).toEqual({ team: "storage", env: "prod", extra: "1" });
    expect(head.StorageClass === undefined || head.StorageClass === "STANDARD").toBe(true);
  });

  it("a handle without defaults on the same bucket writes plain objects", async () => {
    withDefaults();
    await t.bucket.put("plain.txt", "x");
    const head = await rawHead("plain.txt");
    expect(head.CacheControl).toBeUndefined();
    expect(head.Metadata).toEqual({});
    expect(head.StorageClass).toBeUndefined();
  });
});

describe("prefix defaults", () => {
  it("a child inherits, overrides, and merges metadata with its parent's", async () => {
    const logs = withDefaults().prefix("logs", {
      defaults: { cacheControl: "no-cache", metadata: { env: "prod", app: "api" } },
    });
    const archive = logs.prefix("archive", {
      defaults: { storageClass: "STANDARD", metadata: { app: "batch" } },
    });
    await logs.put("today.log", "a");
    await archive.put("old.log", "b");
    await logs.prefix("plain").put("inherited.log", "c");

    const today = await rawHead("logs/today.log");
    expect(today.CacheControl).toBe("no-cache");
    expect(today.Metadata).toEqual({ team: "storage", env: "prod", app: "api" });
    expect(today.StorageClass).toBe("REDUCED_REDUNDANCY");

    const old = await rawHead("logs/archive/old.log");
    expect(old.CacheControl).toBe("no-cache");
    expect(old.Metadata).toEqual({ team: "storage", env: "prod", app: "batch" });
    expect(old.StorageClass === undefined || old.StorageClass === "STANDARD").toBe(true);

    // A prefix made without defaults inherits its parent's unchanged.
    const inherited = await rawHead("logs/plain/inherited.log");
    expect(inherited.CacheControl).toBe("no-cache");
    expect(inherited.Metadata).toEqual({ team: "storage", env: "prod", app: "api" });
  });

  it("folders() hands out prefixes with the parent's defaults", async () => {
    const bucket = withDefaults();
    await bucket.put("reports/q1.csv", "a");
    const found = [];
    for await (const folder of bucket.folders()) found.push(folder);
    expect(found.map((f) => f.path)).toEqual(["reports/"]);
    await found[0]?.put("q2.csv", "b");
    const head = await rawHead("reports/q2.csv");
    expect(head.CacheControl).toBe("public, max-age=600");
    expect(head.StorageClass).toBe("REDUCED_REDUNDANCY");
  });

  it("serverSideEncryption defaults reach the server: SSE-S3 under the prefix, not beside it", async (context) => {
    needs(context, "sseS3");
    const encrypted = t.s3
      .bucket(t.bucket.name)
      .prefix("secure", { defaults: { serverSideEncryption: "AES256" } });
    await encrypted.put("a.txt", "x");
    expect((await rawHead("secure/a.txt")).ServerSideEncryption).toBe("AES256");
    await t.bucket.put("secure-sibling.txt", "x");
    expect((await rawHead("secure-sibling.txt")).ServerSideEncryption).not.toBe("AES256");
  });
});
