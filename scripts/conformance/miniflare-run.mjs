/**
 * Runs a bundled worker once in workerd through Miniflare and prints its answer (the
 * conformance report). Run by the Node that Miniflare needs (runtimes.ts: node 22):
 *   node miniflare-run.mjs <miniflare module path> <worker bundle> <compatibility date> [flag…]
 * The server and bucket come from $S3KIT_CONFORMANCE, handed to the worker as its
 * CONFORMANCE binding. Exits non-zero when the worker does not answer 200.
 */
import { pathToFileURL } from "node:url";

const [miniflarePath, scriptPath, compatibilityDate, ...compatibilityFlags] = process.argv.slice(2);
const { Miniflare } = await import(pathToFileURL(miniflarePath).href);
const mf = new Miniflare({
  modules: true,
  scriptPath,
  compatibilityDate,
  compatibilityFlags,
  bindings: { CONFORMANCE: process.env.S3KIT_CONFORMANCE ?? "null" },
});
try {
  const response = await mf.dispatchFetch("http://conformance.local/");
  process.stdout.write(await response.text());
  if (response.status !== 200) process.exitCode = 1;
} finally {
  await mf.dispose();
}
