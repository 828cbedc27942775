/**
 * The size of a Worker that makes one GET, bundled and minified by esbuild as Wrangler bundles
 * a Worker: s3kit's web build (new S3 + getBytes) against the raw SDK (S3Client +
 * GetObjectCommand). The options are scripts/conformance/workerd.ts's, which runs such bundles
 * in workerd: platform "browser" because esbuild applies the SDK's package.json browser map
 * (runtimeConfig.browser) only there; with "neutral" the SDK's Node runtime config and
 * node:fs come in and the bundle does not build. Minified, as `wrangler deploy --minify`.
 */
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { WRANGLER_BUILD } from "../conformance/workerd.js";

/** What one Worker bundle weighs. */
export interface BundleSize {
  label: string;
  /** Minified bytes. */
  bytes: number;
  /** The same, gzipped (level 9), roughly what a Worker upload is limited by. */
  gzipBytes: number;
  /** Minified bytes per package ("s3kit" for s3kit's own code), largest first. */
  byPackage: Array<[string, number]>;
}

const WORKER_HEAD =
  "export default { async fetch(request, env) {\n" +
  '  const options = { endpoint: env.S3_ENDPOINT, region: "auto", credentials: { accessKeyId: env.KEY, secretAccessKey: env.SECRET } };\n';

/** The Worker entries, s3kit first: the same GET through each library. */
export const WORKER_ENTRIES: ReadonlyArray<{ label: string; code: string }> = [
  {
    label: "s3kit (web build)",
    code: `import { S3 } from "s3kit";\n${WORKER_HEAD}  return new Response(await new S3(options).bucket("b").getBytes("k"));\n} };\n`,
  },
  {
    label: "raw @aws-sdk/client-s3",
    code: `import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";\n${WORKER_HEAD}  const output = await new S3Client(options).send(new GetObjectCommand({ Bucket: "b", Key: "k" }));\n  return new Response(await output.Body.transformToByteArray());\n} };\n`,
  },
];

/** The package a bundled input belongs to: its node_modules package, else s3kit's own code. */
function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? "s3kit";
}

function byPackage(metafile: Metafile): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/**
 * Bundles `code` (resolved from `projectRoot`, so `s3kit` is this package's build) and weighs it.
 * @throws esbuild's error when the entry does not bundle.
 */
export async function bundleSize(
  label: string,
  code: string,
  projectRoot: string,
): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: code, resolveDir: projectRoot, loader: "js", sourcefile: "worker.js" },
    ...WRANGLER_BUILD,
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`${label}: esbuild wrote no bundle`);
  return {
    label,
    bytes: output.contents.length,
    gzipBytes: gzipSync(output.contents, { level: 9 }).length,
    byPackage: byPackage(result.metafile),
  };
}

/** Both Worker bundles, s3kit first. */
export async function workerBundleSizes(projectRoot: string): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const entry of WORKER_ENTRIES) {
    sizes.push(await bundleSize(entry.label, entry.code, projectRoot));
  }
  return sizes;
}
