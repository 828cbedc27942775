/**
 * One cold start, in a fresh `node` process started by cold-start.ts: imports one client
 * library, optionally makes its first request (a GET of a small object), and prints one report
 * line. Plain JavaScript run by plain `node`, not through tsx, whose loader would dwarf what is
 * measured. The task comes as JSON in $S3KIT_COLD_START (credentials stay out of argv).
 *
 * With `trace`, it also records every module the import loads: CommonJS requests (the SDK's
 * packages are CommonJS on Node) and ES module resolutions (s3kit's build, p-limit, minio-js),
 * each with the file that asked for it. Tracing slows the import; its runs are not timed.
 * It imports no module of its own up front, so none is loaded for the library measured.
 */
// Read before anything is imported, so the import's own time excludes the clock's setup.
const startedMs = performance.now();

const REPORT_PREFIX = "S3KIT_COLD_START ";

/** The ES module hook of a trace: appends each resolution to the file named by its data. */
const TRACE_HOOKS = `
import { appendFileSync } from "node:fs";
let out;
export function initialize(data) { out = data.out; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(out, JSON.stringify({ request: specifier, from: context.parentURL ?? "", url: result.url }) + "\\n");
  return result;
}`;

/**
 * Starts recording module loads. `take()` returns what was loaded since the previous call (so
 * the import's modules and the first request's can be told apart); `stop()` ends the trace.
 */
async function startTrace() {
  const { appendFileSync, readFileSync, rmSync } = await import("node:fs");
  const { createRequire, register } = await import("node:module");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const out = join(tmpdir(), `s3kit-cold-start-trace-${process.pid}.jsonl`);
  appendFileSync(out, "");
  register(`data:text/javascript,${encodeURIComponent(TRACE_HOOKS)}`, import.meta.url, {
    data: { out },
  });
  const require = createRequire(import.meta.url);
  const Module = require("node:module");
  const load = Module._load;
  const required = [];
  Module._load = function traced(request, parent, ...rest) {
    required.push({ request, from: parent?.filename ?? "" });
    return load.call(this, request, parent, ...rest);
  };
  let resolvedSeen = 0;
  let requiredSeen = 0;
  const filesSeen = new Set(Object.keys(require.cache));
  return {
    /** The loads since the last call, and the CommonJS files they executed. */
    take() {
      const resolved = readFileSync(out, "utf8").split("\n").filter(Boolean);
      const loads = [
        ...resolved.slice(resolvedSeen).map((line) => JSON.parse(line)),
        ...required.slice(requiredSeen),
      ];
      resolvedSeen = resolved.length;
      requiredSeen = required.length;
      const files = Object.keys(require.cache).filter((file) => !filesSeen.has(file));
      for (const file of files) filesSeen.add(file);
      return { loads, files };
    },
    stop() {
      Module._load = load;
      rmSync(out, { force: true });
    },
  };
}

/** Reads a Node Readable or web stream to the end and returns its byte count. */
async function drain(body) {
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.length;
  return bytes;
}

/**
 * The credentials to configure, or none when the SDK's default chain is to find them (in the
 * environment, as on AWS Lambda; the parent then puts them there).
 */
function credentialsOf({ connection, credentialsFromEnvironment }) {
  if (credentialsFromEnvironment) return undefined;
  return { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey };
}

/** The options s3kit's S3 and the SDK's S3Client both take for the request's server. */
function clientOptions(request) {
  const { endpoint, region } = request.connection;
  return { endpoint, region, credentials: credentialsOf(request), forcePathStyle: true };
}

/** Per library: how to make the first request, given the imported module and the task. */
const firstRequests = {
  async s3kit(library, request) {
    const s3 = new library.S3(clientOptions(request));
    const bytes = (await s3.bucket(request.bucket).getBytes(request.key)).length;
    s3.close();
    return bytes;
  },
  async sdk(library, request) {
    const client = new library.S3Client(clientOptions(request));
    const { bucket, key } = request;
    const output = await client.send(new library.GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = (await output.Body.transformToByteArray()).length;
    client.destroy();
    return bytes;
  },
  async minio(library, { connection, bucket, key }) {
    const url = new URL(connection.endpoint);
    const client = new library.Client({
      endPoint: url.hostname,
      port: Number(url.port),
      useSSL: url.protocol === "https:",
      accessKey: connection.accessKeyId,
      secretKey: connection.secretAccessKey,
      region: connection.region,
      pathStyle: true,
    });
    return drain(await client.getObject(bucket, key));
  },
};

async function main() {
  const task = JSON.parse(process.env.S3KIT_COLD_START ?? "null");
  if (!task) throw new Error("S3KIT_COLD_START is not set; cold-start.ts starts this script");
  const trace = task.trace ? await startTrace() : undefined;
  const cpu = process.cpuUsage();
  const before = performance.now();
  const library = await import(task.specifier);
  const imported = performance.now();
  const importCpu = process.cpuUsage(cpu);
  const report = {
    startedMs,
    importMs: imported - before,
    importCpuMs: (importCpu.user + importCpu.system) / 1000,
    importModules: trace?.take(),
  };
  if (task.request) {
    report.bytes = await firstRequests[task.library](library, task.request);
    report.firstResponseMs = performance.now();
    const total = process.cpuUsage();
    report.firstResponseCpuMs = (total.user + total.system) / 1000;
    report.requestMs = report.firstResponseMs - imported;
    report.requestModules = trace?.take();
  }
  trace?.stop();
  process.stdout.write(`${REPORT_PREFIX}${JSON.stringify(report)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? String(error)}\n`);
  process.exit(1);
});
