/**
 * The conformance entry for runtimes with a process (Node, Bun, Deno): reads the server and
 * bucket from $S3KIT_CONFORMANCE (JSON), prints one line per check and a summary, and exits
 * non-zero when a check failed.
 */
import { conformance, report } from "./checks.mjs";

const env = globalThis.Deno ? globalThis.Deno.env.toObject() : globalThis.process.env;
const config = JSON.parse(env.S3KIT_CONFORMANCE ?? "null");
if (!config) throw new Error("S3KIT_CONFORMANCE (JSON: endpoint, region, keys, bucket) is not set");
const results = await conformance(config);
console.log(report(results));
if (results.some((result) => !result.ok)) {
  if (globalThis.Deno) globalThis.Deno.exit(1);
  else globalThis.process.exitCode = 1;
}
