import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import type * as Limits from "../../src/common/limits.js";
import { S3, S3OperationError } from "../../src/index.js";
import { mockUploadStore } from "../helpers/upload-store.js";

// S3's 10,000 parts, made 4 here: with parts copied from the stream (never views of its
// chunks), 10,001 parts of 5 MiB would copy 50 GB. The real value is checked below.
vi.mock("../../src/common/limits.js", async (importOriginal) => ({
  ...(await importOriginal<typeof Limits>()),
  MAX_PARTS: 4,
}));

const P = 5 * 1024 * 1024;
const mock = mockClient(S3Client);
const s3 = new S3({
  client: new S3Client({
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "b" },
  }),
  maxRetries: 1,
  retryDelay: 1,
});

afterEach(() => mock.reset());

describe("the part limit of an unknown-length stream", () => {
  it("is S3's 10,000", async () => {
    const real = await vi.importActual<typeof Limits>("../../src/common/limits.js");
    expect(real.MAX_PARTS).toBe(10_000);
  });

  it("a stream longer than MAX_PARTS parts fails before part MAX_PARTS + 1, the upload aborted, nothing left", async () => {
    const store = mockUploadStore(mock);
    const chunk = new Uint8Array(P).fill(7);
    const state = { pulls: 0, cancelled: false };
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        state.pulls++;
        controller.enqueue(chunk);
      },
      cancel() {
        state.cancelled = true;
      },
    });
    const error = await s3
      .bucket("bkt")
      .upload(endless, "endless.bin", { partSize: P, concurrency: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "TooLarge", key: "endless.bin" });
    expect((error as Error).message).toMatch(/4 parts of 5242880 bytes.*larger partSize/);
    const numbers = mock.commandCalls(UploadPartCommand).map((c) => c.args[0].input.PartNumber);
    expect(numbers.sort()).toEqual([1, 2, 3, 4]);
    expect(state.pulls).toBeLessThanOrEqual(6);
    expect(state.cancelled).toBe(true);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(store.uploads.size).toBe(0);
  });
});
