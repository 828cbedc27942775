import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { useFaultProxy } from "../helpers/fault-proxy.js";
import { testServer, useTestBucket } from "../helpers/s3.js";

// The fault tests are only as good as their proxy: its faults must be exactly the ones asked for.
const proxy = useFaultProxy();
const t = useTestBucket();
let client: S3Client;

beforeEach(() => {
  const server = testServer();
  client = new S3Client({
    endpoint: proxy.endpoint,
    region: server.region,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestHandler: { socketTimeout: 5000 },
  });
});

afterEach(() => client.destroy());

async function read(Key: string): Promise<number> {
  const response = await client.send(new GetObjectCommand({ Bucket: t.bucket.name, Key }));
  let bytes = 0;
  for await (const chunk of response.Body as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return bytes;
}

describe("the fault proxy's stall", () => {
  it("holds the body once, not every chunk after it", async () => {
    const Body = new Uint8Array(4 << 20);
    await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key: "big", Body }));
    proxy.addRule({ action: { kind: "stall", afterBytes: 1024, ms: 300 } });
    const started = Date.now();
    expect(await read("big")).toBe(4 << 20);
    // One 300 ms hold; a hold per chunk took tens of seconds.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("ends a body that ended during the stall, so the connection serves the next request", async () => {
    await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key: "small", Body: "hello" }));
    proxy.addRule({ action: { kind: "stall", afterBytes: 0, ms: 300 } });
    expect(await read("small")).toBe(5);
    expect(await read("small")).toBe(5);
  });
});
