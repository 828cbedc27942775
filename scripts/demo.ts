/**
 * A short tour of s3kit against a local MinIO: `npm run demo`.
 *
 * Starts MinIO on 127.0.0.1 (building it once if it is missing), walks through the fluent
 * API (a bucket, JSON / text / bytes, exists and head, nested prefixes, listing, folders, a
 * presigned URL), then deletes everything it made and stops the server. Exit code 0 on
 * success, 1 on failure.
 */
import { type Bucket, isS3Error, ObjectNotFoundError, S3, type Scope } from "../src/index.js";
import { type MinioServer, startMinio } from "./minio.js";

// The AWS SDK warns that its releases after January 2027 will need Node 22. That is true but
// not what this demo is about, so that one warning is dropped; every other one is shown.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (
    warning.name === "NodeVersionSupportWarning" ||
    warning.message.startsWith("NodeVersionSupportWarning")
  ) {
    return;
  }
  console.warn(`${warning.name}: ${warning.message}`);
});

function step(title: string): void {
  console.log(`\n${title}`);
}

function line(text: string): void {
  console.log(`  ${text}`);
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The smallest valid PNG: a 1×1 transparent pixel. */
const PIXEL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

async function tour(bucket: Bucket): Promise<void> {
  step("JSON, text and bytes");
  const config = await bucket.put("config.json", {
    env: "demo",
    features: ["prefixes", "presign"],
  });
  line(`put ${config.key}  (etag ${config.etag})`);
  const read = await bucket.getJson<{ env: string; features: string[] }>("config.json");
  line(`getJson → env=${read.env}, features=${read.features.join(", ")}`);

  await bucket.put("hello.txt", "Hello from s3kit 👋");
  line(`getText → ${await bucket.getText("hello.txt")}`);

  await bucket.put("pixel.png", PIXEL_PNG);
  const bytes = await bucket.getBytes("pixel.png");
  line(
    `getBytes → ${bytes.byteLength} bytes, PNG signature ${bytes[1] === 0x50 ? "ok" : "missing"}`,
  );

  step("exists and head");
  line(`exists("hello.txt") → ${await bucket.exists("hello.txt")}`);
  line(`exists("nope.txt")  → ${await bucket.exists("nope.txt")}`);
  for (const key of ["config.json", "hello.txt", "pixel.png"]) {
    const info = await bucket.head(key);
    line(`head ${key.padEnd(12)} ${info.contentType} · ${size(info.contentLength)}`);
  }

  step("Nested prefixes (virtual folders)");
  const logs = bucket.prefix("logs");
  const thisYear = logs.prefix("2025");
  line(`bucket.prefix("logs").prefix("2025") → ${thisYear}`);
  const written = await thisYear.put("app.log", "GET /health 200\nGET /users 200\n");
  line(`put app.log under it → key ${written.key}, name ${written.name}`);
  await thisYear.put("worker.log", "job 1 done\n");
  await logs.prefix("2024").put("old.log", "archived\n");
  await bucket.put("logs-archive/2023.tar", new Uint8Array(2048));
  line(`also wrote logs/2024/old.log and logs-archive/2023.tar (outside "logs/")`);

  step('Listing "logs/" with for await');
  for await (const object of logs) {
    line(`${object.key.padEnd(22)} ${size(object.size).padStart(6)}   name: ${object.name}`);
  }

  step('Folders one level below "logs/"');
  const folders: Scope[] = [];
  for await (const folder of logs.folders()) folders.push(folder);
  line(folders.map((folder) => folder.path).join("   "));

  step("A presigned GET URL, fetched without any credentials");
  const url = await thisYear.presign("app.log", { expiresIn: 300 });
  line(`${url.slice(0, url.indexOf("?"))}?X-Amz-…  (valid 5 minutes)`);
  const response = await fetch(url);
  const body = await response.text();
  line(
    `fetch → HTTP ${response.status}, ${body.split("\n").filter(Boolean).length} lines: ${JSON.stringify(body.split("\n")[0])}`,
  );

  step("Errors are typed");
  try {
    await bucket.getText("missing.txt");
  } catch (error) {
    if (!(error instanceof ObjectNotFoundError)) throw error;
    line(`${error.name} (code ${error.code}, status ${error.status}) for ${error.key}`);
  }
}

async function main(): Promise<void> {
  step("Starting a local MinIO on 127.0.0.1…");
  const server: MinioServer = await startMinio();
  line(`MinIO is up at ${server.endpoint}`);
  const s3 = new S3({
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  const name = `s3kit-demo-${Date.now().toString(36)}`;
  let created = false;
  try {
    step("Creating a bucket");
    const bucket = await s3.createBucket(name);
    created = true;
    line(`created ${bucket}`);
    await tour(bucket);
  } finally {
    if (created) {
      step("Cleaning up");
      try {
        await s3.deleteBucket(name, { force: true });
        line(`deleted bucket ${name} and everything in it`);
      } catch (error) {
        line(`could not delete bucket ${name}: ${(error as Error).message}`);
      }
    }
    s3.close();
    await server.stop();
    line("MinIO stopped");
  }
}

main().then(
  () => {
    console.log("\nDone.");
    process.exit(0);
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const kind = isS3Error(error) ? `${error.name} (${error.code})` : "Error";
    console.error(`\nThe demo failed: ${kind}: ${message}`);
    process.exit(1);
  },
);
