import { createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { digestFile, expectDigest } from "../files.js";
import type { Fixture } from "../fixture.js";
import { rawLibrary } from "../peers/clients.js";
import type { BenchCase, Contender, RunContext } from "../runner.js";
import { timed } from "../stats.js";

/**
 * A contender that downloads the source object to a fresh file with `download`, checks the
 * file (size always, SHA-256 when deep) and deletes it; only `download` is timed.
 */
function downloader(
  fixture: Fixture,
  label: string,
  download: (path: string) => Promise<void>,
): Contender {
  return {
    label,
    async run({ deep }: RunContext) {
      const path = join(fixture.dir, `download-${label.replace(/\W+/g, "-")}.bin`);
      await rm(path, { force: true });
      const timing = await timed(() => download(path));
      const actual = deep ? await digestFile(path) : { size: (await stat(path)).size };
      expectDigest(`${label} → ${path}`, fixture.source, actual);
      await rm(path, { force: true });
      return { value: timing.ms, cpuMs: timing.cpuMs };
    },
  };
}

/** s3kit `bucket.download(key, path)` against one GetObject body piped into a file. */
export function downloadCase(fixture: Fixture): BenchCase {
  const { bucket, raw, sourceKey } = fixture;
  return {
    title: `download ${fixture.config.sizeMiB} MiB`,
    unit: "ms",
    warmUp: true,
    note: "s3kit HEADs the object, fetches ranges in parallel into a temp file, syncs it to disk and renames it (never a partial file at the path, even after a crash); the peer streams one GET body into the file and never syncs.",
    contenders: [
      {
        library: "s3kit",
        ...downloader(fixture, "bucket.download()", async (path) => {
          const result = await bucket.download(sourceKey, path);
          if (result.size !== fixture.source.size) {
            throw new Error(
              `bucket.download() reported ${result.size} bytes, expected ${fixture.source.size}`,
            );
          }
        }),
      },
      {
        library: rawLibrary(),
        ...downloader(fixture, "GetObject → pipeline", async (path) => {
          const output = await raw.send(
            new GetObjectCommand({ Bucket: bucket.name, Key: sourceKey }),
          );
          if (!(output.Body instanceof Readable))
            throw new Error("GetObject returned no Node stream");
          await pipeline(output.Body, createWriteStream(path));
        }),
      },
    ],
  };
}
