import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AccessDeniedError, ValidationError } from "../../src/index.js";
import { errorXml, useFakeS3 } from "../helpers/fake-s3.js";

const fakes = useFakeS3();
const made: string[] = [];

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

/**
 * A sparse file of `size` bytes: no data blocks, so a 50 TB file costs nothing. tmpfs holds
 * files that large (ext4 stops at 16 TiB).
 */
async function sparseFile(size: number): Promise<string> {
  const dir = await mkdtemp("/dev/shm/s3kit-size-");
  made.push(dir);
  const path = join(dir, "big.bin");
  await writeFile(path, "");
  await truncate(path, size);
  return path;
}

describe("upload() and S3's object size limit (50 TB since December 2025)", () => {
  it("takes a 6 TiB file, which the old 5 TiB limit refused", async () => {
    // The store refuses the CreateMultipartUpload: enough to see s3kit did not refuse the size.
    const { server, s3 } = await fakes.serve(() => ({
      status: 403,
      body: errorXml("AccessDenied", "Access Denied"),
    }));
    const path = await sparseFile(6 * 1024 ** 4);
    await expect(s3.bucket("b").upload(path, "huge.bin")).rejects.toBeInstanceOf(AccessDeniedError);
    expect(server.requests[0]?.url).toContain("uploads");
  });

  it("refuses a file above 50 TB before any request", async () => {
    const { server, s3 } = await fakes.serve(() => ({ status: 200 }));
    const path = await sparseFile(50 * 1000 ** 4 + 1);
    const error = await s3
      .bucket("b")
      .upload(path, "huge.bin")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain("50 TB");
    expect(server.requests).toHaveLength(0);
  });
});
