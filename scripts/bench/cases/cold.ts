import { PutObjectCommand } from "@aws-sdk/client-s3";
import { ensureBuilt } from "../cold-start.js";
import { workerBundleSizes } from "../cold-start-bundle.js";
import {
  type ChildReport,
  type FirstRequest,
  LIBRARIES,
  type Library,
  projectRoot,
  runColdChild,
  whySkipped,
} from "../cold-start-run.js";
import type { Fixture } from "../fixture.js";
import type { BenchCase, Contender } from "../runner.js";

const OBJECT_BYTES = 1024;

/** One library in a cold-start case: a fresh `node` per run, `metric` read from its report. */
function coldContender(
  library: Library,
  request: FirstRequest | undefined,
  metric: (report: ChildReport) => number | undefined,
): Contender {
  const skipped = whySkipped(library);
  if (skipped !== undefined) return { label: library.label, library: library.label, skipped };
  return {
    label: request ? "import + new client + first GET" : "import",
    library: library.label,
    async run() {
      const value = metric(await runColdChild(library, request));
      if (value === undefined) throw new Error(`${library.label}: the child reported no sample`);
      return { value };
    },
  };
}

/**
 * Cold start, for serverless and edge users, from the built package (rebuilt first, so the
 * numbers are this tree's): the CPU of `import` in a fresh node, and of the whole process
 * until a first 1 KiB GET is read; and the gzipped one-GET Worker bundle. s3kit against the
 * raw SDK and minio-js.
 */
export async function coldCases(fixture: Fixture): Promise<BenchCase[]> {
  await ensureBuilt(() => {}, true);
  const key = "cold/first.bin";
  await fixture.raw.send(
    new PutObjectCommand({
      Bucket: fixture.bucket.name,
      Key: key,
      Body: new Uint8Array(OBJECT_BYTES),
    }),
  );
  const request = {
    connection: fixture.connection,
    bucket: fixture.bucket.name,
    key,
    size: OBJECT_BYTES,
  };
  const sizes = await workerBundleSizes(projectRoot);
  return [
    {
      title: "cold start: import, CPU",
      unit: "ms",
      warmUp: true,
      contenders: LIBRARIES.map((library) =>
        coldContender(library, undefined, (r) => r.importCpuMs),
      ),
      note: "user + system CPU of `await import()` in a fresh node (no tsx); s3kit's includes the SDK it is built on.",
    },
    {
      title: "cold start: process start → first 1 KiB GET read, CPU",
      unit: "ms",
      warmUp: true,
      contenders: LIBRARIES.map((library) =>
        coldContender(library, request, (r) => r.firstResponseCpuMs),
      ),
      note: "user + system CPU of the whole process until the first GET's body is read: node's start, the import, the client, the request.",
    },
    {
      title: "one-GET Worker bundle, minified + gzip",
      unit: "KiB",
      warmUp: false,
      contenders: sizes.map((size) => ({
        label: "esbuild --bundle --minify",
        library: size.label,
        run: async () => ({ value: size.gzipBytes / 1024 }),
      })),
      note: "as Wrangler bundles a Worker (browser platform, workerd/worker/browser conditions); the same size every round.",
    },
  ];
}
