import { createReadStream } from "node:fs";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { readBack } from "../buckets.js";
import { expectDigest } from "../files.js";
import type { Fixture } from "../fixture.js";
import { rawLibrary } from "../peers/clients.js";
import type { BenchCase, Contender, RunContext } from "../runner.js";
import { timed } from "../stats.js";

/**
 * A contender that uploads the data file to a fresh key with `upload`, reads the object back
 * (size always, SHA-256 when deep) and deletes it; only `upload` is timed.
 */
function uploader(
  fixture: Fixture,
  label: string,
  slug: string,
  upload: (key: string) => Promise<void>,
): Contender {
  return {
    label,
    async run({ index, deep }: RunContext) {
      const key = `upload/${slug}-${index < 0 ? "warm-up" : index}.bin`;
      const timing = await timed(() => upload(key));
      expectDigest(
        `${label} → ${key}`,
        fixture.source,
        await readBack(fixture.raw, fixture.bucket.name, key, deep),
      );
      await fixture.raw.send(new DeleteObjectCommand({ Bucket: fixture.bucket.name, Key: key }));
      return { value: timing.ms, cpuMs: timing.cpuMs };
    },
  };
}

/** s3kit `bucket.upload(path, key)` against lib-storage's `Upload` (a devDependency) with its defaults. */
export function uploadCase(fixture: Fixture): BenchCase {
  const { bucket, raw, source } = fixture;
  return {
    title: `upload ${fixture.config.sizeMiB} MiB`,
    unit: "ms",
    warmUp: true,
    note: "s3kit runs its own multipart driver (the file read straight into each part, its own part size and concurrency defaults) with its request tracking (abort, cleanup, size check); the peer is lib-storage's Upload over a file stream with its defaults (5 MiB parts, 4 at a time).",
    contenders: [
      {
        library: "s3kit",
        ...uploader(fixture, "bucket.upload()", "s3kit", async (key) => {
          await bucket.upload(source.path, key);
        }),
      },
      {
        library: rawLibrary(),
        ...uploader(fixture, "lib-storage Upload", "peer", async (key) => {
          await new Upload({
            client: raw,
            params: { Bucket: bucket.name, Key: key, Body: createReadStream(source.path) },
          }).done();
        }),
      },
    ],
  };
}
