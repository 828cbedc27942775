import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import type { S3 } from "../../src/index.js";
import { type ProxiedRequest, useFaultProxy } from "../helpers/fault-proxy.js";
import { HOSTILE_KEYS } from "../helpers/lean-calls.js";
import { testS3, useTestBucket } from "../helpers/s3.js";

// Keys are literal: whatever bytes a key holds reach the store as that key, on the lean path as
// on the SDK's. Against MinIO (through the fault proxy, which records each request as sent),
// every call on a hostile key must store and find the object under exactly that key (as the raw
// SDK lists and reads it), or fail the same way on both paths when the store refuses the key;
// and both paths must send the very same request lines.

const t = useTestBucket();
const proxy = useFaultProxy();
const clients: S3[] = [];
afterEach(() => {
  for (const s3 of clients.splice(0)) s3.close();
});

/** The keys MinIO holds, listed by the raw SDK. */
async function storedKeys(): Promise<string[]> {
  const page = await t.raw.send(new ListObjectsV2Command({ Bucket: t.bucket.name }));
  return (page.Contents ?? []).map((object) => object.Key ?? "");
}

async function rawText(Key: string): Promise<string> {
  const out = await t.raw.send(new GetObjectCommand({ Bucket: t.bucket.name, Key }));
  return (await out.Body?.transformToString()) ?? "";
}

/** Every call on `key` with `transport`: what each gave (a value or an error code). */
async function roundTrip(transport: "lean" | "sdk", key: string) {
  const s3 = testS3({ endpoint: proxy.endpoint, transport, maxRetries: 0 });
  clients.push(s3);
  const bucket = s3.bucket(t.bucket.name);
  const outcome: Record<string, unknown> = {};
  const run = async (name: string, call: () => Promise<unknown>) => {
    outcome[name] = await call().catch((error: { code?: string }) => `error ${error.code}`);
  };
  await run("put", async () => (await bucket.put(key, "stored body")).key);
  await run("stored", async () => (await storedKeys()).includes(key));
  await run("raw", () => rawText(key));
  await run("getText", () => bucket.getText(key));
  await run("head", async () => (await bucket.head(key)).contentLength);
  await run("exists", () => bucket.exists(key));
  await run("setTags", () => bucket.setTags(key, { side: "x" }));
  await run("getTags", () => bucket.getTags(key));
  await run("delete", () => bucket.delete(key));
  await run("gone", async () => !(await storedKeys()).includes(key));
  return outcome;
}

/** A request as sent, the per-client headers aside. */
const line = (request: ProxiedRequest) =>
  `${request.method} ${request.url.replace(/[?&]x-id=\w+$/, "")}`;

describe("hostile keys against MinIO", () => {
  it.each(HOSTILE_KEYS.map((key) => [JSON.stringify(key), key]))(
    "%s: the same outcome and requests on both paths",
    async (_label, key) => {
      const outcomes: Record<string, unknown> = {};
      const lines: Record<string, string[]> = {};
      for (const transport of ["sdk", "lean"] as const) {
        const first = proxy.requests.length;
        outcomes[transport] = await roundTrip(transport, key);
        lines[transport] = proxy.requests.slice(first).map(line);
      }
      const lean = outcomes.lean as Record<string, unknown>;
      expect(lean).toEqual(outcomes.sdk);
      expect(lines.lean).toEqual(lines.sdk);
      if (lean.put === key) {
        // MinIO took the key: every call found it under exactly that key.
        expect(lean).toEqual({
          put: key,
          stored: true,
          raw: "stored body",
          getText: "stored body",
          head: 11,
          exists: true,
          setTags: undefined,
          getTags: { side: "x" },
          delete: undefined,
          gone: true,
        });
      }
    },
  );

  it("MinIO takes most of the hostile keys (so the test above compares round trips, not refusals)", async () => {
    let taken = 0;
    for (const key of HOSTILE_KEYS) {
      const s3 = testS3({ endpoint: proxy.endpoint, transport: "lean", maxRetries: 0 });
      clients.push(s3);
      const stored = await s3
        .bucket(t.bucket.name)
        .put(key, "x")
        .then(
          () => true,
          () => false,
        );
      if (stored) taken += 1;
    }
    expect(taken).toBeGreaterThanOrEqual(HOSTILE_KEYS.length - 5);
  });
});
