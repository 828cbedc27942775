import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { S3, S3OperationError, ValidationError } from "../../src/index.js";

const mock = mockClient(S3Client);
let s3: S3;

beforeEach(() => {
  mock.reset();
  const client = new S3Client({
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
  });
  s3 = new S3({ client, maxRetries: 2, retryDelay: 1, maxRetryDelay: 5 });
});

afterEach(() => s3.close());

function serverError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: "server",
    $metadata: { httpStatusCode: status },
    message: `${name} happened`,
  });
}

/** The keys of every DeleteObjects call, in call order. */
function sentKeys(): string[][] {
  return mock
    .commandCalls(DeleteObjectsCommand)
    .map((call) => (call.args[0].input.Delete?.Objects ?? []).map((object) => object.Key ?? ""));
}

const keys = (count: number, prefix = "k") =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, "0")}`);

describe("deleteMany (mocked S3)", () => {
  it("retries a per-key InternalError within maxRetries, then reports it with code and message", async () => {
    mock.on(DeleteObjectsCommand).resolves({
      Errors: [
        {
          Key: "a",
          Code: "InternalError",
          Message: "We encountered an internal error. Please try again.",
        },
      ],
    });
    const result = await s3.bucket("b").deleteMany(["a", "b", "c"]);
    expect(sentKeys()).toEqual([["a", "b", "c"], ["a"], ["a"]]);
    expect(result.deleted.sort()).toEqual(["b", "c"]);
    expect(result.failed).toEqual([
      {
        key: "a",
        name: "a",
        code: "InternalError",
        message: "We encountered an internal error. Please try again.",
      },
    ]);
    expect(result.ok).toBe(false);
  });

  it("a per-key SlowDown that clears on retry ends up deleted", async () => {
    mock
      .on(DeleteObjectsCommand)
      .resolvesOnce({
        Errors: [{ Key: "b", Code: "SlowDown", Message: "Reduce your request rate." }],
      })
      .resolves({});
    const result = await s3.bucket("b").deleteMany(["a", "b"]);
    expect(sentKeys()).toEqual([["a", "b"], ["b"]]);
    expect(result.deleted.sort()).toEqual(["a", "b"]);
    expect(result).toMatchObject({ failed: [], ok: true });
  });

  it("does not retry a per-key AccessDenied, and counts NoSuchKey as deleted", async () => {
    mock.on(DeleteObjectsCommand).resolves({
      Errors: [
        { Key: "x", Code: "AccessDenied", Message: "Access Denied" },
        { Key: "y", Code: "NoSuchKey", Message: "The specified key does not exist." },
      ],
    });
    const result = await s3.bucket("b").deleteMany(["x", "y", "z"]);
    expect(sentKeys()).toHaveLength(1);
    expect(result.deleted.sort()).toEqual(["y", "z"]);
    expect(result.failed).toEqual([
      { key: "x", name: "x", code: "AccessDenied", message: "Access Denied" },
    ]);
  });

  it("a key whose error comes back URL-encoded is failed, never counted as deleted", async () => {
    mock.on(DeleteObjectsCommand).resolves({
      Errors: [
        { Key: "a%20b+c.txt", Code: "AccessDenied", Message: "Access Denied" },
        { Key: "elsewhere", Code: "AccessDenied", Message: "Access Denied" },
      ],
    });
    const result = await s3.bucket("b").deleteMany(["a b c.txt", "d.txt"]);
    expect(result.deleted).toEqual(["d.txt"]);
    // Matched to the key sent; an error naming no key sent, in any spelling, is reported as is.
    expect(result.failed).toEqual([
      { key: "a b c.txt", name: "a b c.txt", code: "AccessDenied", message: "Access Denied" },
      { key: "elsewhere", name: "elsewhere", code: "AccessDenied", message: "Access Denied" },
    ]);
    expect(result.ok).toBe(false);
  });

  it("a chunk failing whole after a successful chunk keeps the first chunk's keys in deleted", async () => {
    mock.on(DeleteObjectsCommand).resolvesOnce({}).rejects(serverError("InternalError", 500));
    const all = keys(1500);
    const result = await s3.bucket("b").deleteMany(all, { concurrency: 1 });
    // The whole-request failure is the SDK's to retry (done before it reached us): no second layer.
    expect(sentKeys().map((batch) => batch.length)).toEqual([1000, 500]);
    expect(result.deleted).toEqual(all.slice(0, 1000));
    expect(result.failed).toHaveLength(500);
    expect(result.failed.map((failure) => failure.key)).toEqual(all.slice(1000));
    expect(result.failed[0]).toMatchObject({ code: "InternalError", name: all[1000] });
    expect(result.failed[0]?.message).toContain("InternalError happened");
    expect(result.ok).toBe(false);
  });

  it("an array holding an invalid key throws ValidationError before any request", async () => {
    const bucket = s3.bucket("b");
    await expect(bucket.deleteMany(["good", ""])).rejects.toBeInstanceOf(ValidationError);
    await expect(bucket.deleteMany(["good", "/abs"])).rejects.toBeInstanceOf(ValidationError);
    await expect(bucket.deleteMany(["good", 42 as unknown as string])).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(bucket.deleteMany("abc" as unknown as string[])).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(bucket.deleteMany(["a"], { concurrency: 0 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(mock.calls()).toHaveLength(0);
  });

  it("invalid keys of a lazy iterable are reported and never sent", async () => {
    mock.on(DeleteObjectsCommand).resolves({});
    async function* source() {
      yield "ok-1";
      yield "/bad";
      yield "ok-2";
      yield "";
    }
    const result = await s3.bucket("b").prefix("p").deleteMany(source());
    expect(sentKeys()).toEqual([["p/ok-1", "p/ok-2"]]);
    expect(result.deleted).toEqual(["p/ok-1", "p/ok-2"]);
    expect(result.failed).toHaveLength(2);
    expect(result.failed[0]).toMatchObject({
      key: "p//bad",
      name: "/bad",
      code: "ValidationError",
    });
    expect(result.failed[1]).toMatchObject({ code: "ValidationError" });
    expect(result.ok).toBe(false);
  });

  it("de-duplicates, sends full keys under a prefix in Quiet batches of 1000, and reports names", async () => {
    mock
      .on(DeleteObjectsCommand)
      .callsFake(async (input: { Delete?: { Objects?: { Key?: string }[] } }) => {
        const sent = input.Delete?.Objects?.some((object) => object.Key === "logs/k00007");
        return sent
          ? { Errors: [{ Key: "logs/k00007", Code: "AccessDenied", Message: "no" }] }
          : {};
      });
    const input = [...keys(2500), ...keys(10)];
    const result = await s3.bucket("b").prefix("logs").deleteMany(new Set(input));
    const calls = mock.commandCalls(DeleteObjectsCommand);
    expect(calls.map((call) => call.args[0].input.Delete?.Objects?.length)).toEqual([
      1000, 1000, 500,
    ]);
    expect(
      calls.every(
        (call) => call.args[0].input.Delete?.Quiet === true && call.args[0].input.Bucket === "b",
      ),
    ).toBe(true);
    expect(new Set(sentKeys().flat()).size).toBe(2500);
    expect(result.deleted).toHaveLength(2499);
    expect(result.deleted).toContain("logs/k02499");
    expect(result.failed).toEqual([
      { key: "logs/k00007", name: "k00007", code: "AccessDenied", message: "no" },
    ]);

    mock.resetHistory();
    await s3.bucket("b").deleteMany(["a", "a", "b", "a"]);
    expect(sentKeys()).toEqual([["a", "b"]]);
  });

  it("keeps at most `concurrency` batches in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    mock.on(DeleteObjectsCommand).callsFake(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return {};
    });
    const result = await s3.bucket("b").deleteMany(keys(6000), { concurrency: 2 });
    expect(sentKeys()).toHaveLength(6);
    expect(peak).toBe(2);
    expect(result.deleted).toHaveLength(6000);
  });

  it("an aborted signal stops the run with an Aborted S3OperationError", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      s3.bucket("b").deleteMany(["a"], { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: "Aborted",
    });
    expect(mock.calls()).toHaveLength(0);

    const midway = new AbortController();
    mock.on(DeleteObjectsCommand).callsFake(async () => {
      midway.abort();
      return {};
    });
    const error = await s3
      .bucket("b")
      .deleteMany(keys(5000), { concurrency: 1, signal: midway.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "Aborted" });
    expect(sentKeys()).toHaveLength(1);
  });

  it("an iterable that throws fails the call after the batches already taken have settled", async () => {
    mock.on(DeleteObjectsCommand).resolves({});
    async function* source() {
      yield* keys(1000);
      throw new Error("source broke");
    }
    const error = await s3
      .bucket("b")
      .deleteMany(source())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "S3OperationError", operation: "deleteMany" });
    expect(String((error as Error).message)).toContain("source broke");
    expect(sentKeys()).toHaveLength(1);
  });

  it("deleteAll feeds the listing of the scope into the batches", async () => {
    mock
      .on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: keys(1000, "logs/a").map((Key) => ({ Key, Size: 1 })),
        IsTruncated: true,
        NextContinuationToken: "t1",
      })
      .resolves({
        Contents: keys(300, "logs/b").map((Key) => ({ Key, Size: 1 })),
        IsTruncated: false,
      });
    mock.on(DeleteObjectsCommand).resolves({});
    const result = await s3.bucket("b").prefix("logs").deleteAll();
    expect(mock.commandCalls(ListObjectsV2Command)[0]?.args[0].input.Prefix).toBe("logs/");
    expect(sentKeys().map((batch) => batch.length)).toEqual([1000, 300]);
    expect(result.deleted).toHaveLength(1300);
    expect(result.ok).toBe(true);
  });
});

describe("deleteBucket({ force }) and the versions it deletes (mocked S3)", () => {
  it("a version already gone (NoSuchVersion, NoSuchKey) counts as deleted, as in deleteMany", async () => {
    mock.on(ListMultipartUploadsCommand).resolves({ IsTruncated: false });
    mock.on(ListObjectsV2Command).resolves({ IsTruncated: false });
    mock
      .on(ListObjectVersionsCommand)
      .resolvesOnce({
        IsTruncated: false,
        Versions: [
          { Key: "a", VersionId: "v1" },
          { Key: "b", VersionId: "v2" },
        ],
      })
      .resolves({ IsTruncated: false });
    mock.on(DeleteObjectsCommand).resolves({
      Errors: [
        { Key: "a", VersionId: "v1", Code: "NoSuchVersion", Message: "gone" },
        { Key: "b", VersionId: "v2", Code: "NoSuchKey", Message: "gone" },
      ],
    });
    mock.on(DeleteBucketCommand).resolves({});
    await s3.deleteBucket("b", { force: true });
    expect(mock.commandCalls(DeleteBucketCommand)).toHaveLength(1);
  });
});
