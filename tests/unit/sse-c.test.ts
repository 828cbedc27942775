import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  type Logger,
  S3OperationError,
  sseCustomerHeaders,
  ValidationError,
} from "../../src/index.js";
import { drain, rejection } from "../helpers/assertions.js";
import { errorXml, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { TRANSPORTS } from "../helpers/lean-calls.js";
import { operationOf } from "../helpers/s3-wire.js";
import { keyHeaders, sseCStore } from "../helpers/sse-c-store.js";

// SSE-C on the wire, on both transports, against tests/helpers/sse-c-store.ts, which keeps
// objects as S3 does: readable only with the key they were written with. The wire is where
// these promises live (the three headers on every request, the key never in a URL, a log or
// an error); MinIO checks the same against a real store in tests/integration/sse-c.test.ts.

const fakes = useFakeS3();
const KEY = new Uint8Array(randomBytes(32));
const OTHER = new Uint8Array(randomBytes(32));
const KEY64 = Buffer.from(KEY).toString("base64");
const KEY_MD5 = createHash("md5").update(KEY).digest("base64");

/** Every spelling of the key a leak could take. */
const SPELLINGS = [KEY64, KEY_MD5, Buffer.from(KEY).toString("hex")];

function recording(): { logger: Logger; text: () => string } {
  const lines: unknown[] = [];
  const record = (message: string, fields: Record<string, unknown>) =>
    lines.push({ message, fields });
  return {
    logger: { debug: record, info: record, warn: record, error: record },
    text: () => inspect(lines, { depth: 10 }),
  };
}

/** The SSE-C headers a request carried, under `prefix`. */
function sent(request: SeenRequest, prefix = "x-amz-server-side-encryption-customer-") {
  return Object.fromEntries(
    ["algorithm", "key", "key-md5"].map((name) => [
      `x-amz-server-side-encryption-customer-${name}`,
      request.headers[`${prefix}${name}`],
    ]),
  );
}

const BIG = 6 * 1024 * 1024;
const text = (size: number) => "0123456789abcdef".repeat(size / 16);

describe.each(TRANSPORTS)("SSE-C on the wire (transport %s)", (transport) => {
  it("sends the key with every request of put, upload, reads, a resume, head, download, copy", async () => {
    const store = sseCStore();
    const { server, s3 } = await fakes.serve(store.reply, { transport, maxRetries: 3 });
    const bucket = s3.bucket("b", { defaults: { sseCustomerKey: KEY } });
    await bucket.put("small", "hello");
    await bucket.upload(new TextEncoder().encode(text(BIG)), "big", { partSize: 5 * 1024 * 1024 });
    expect(await bucket.getText("small")).toBe("hello");
    store.state.cutReads = 1;
    const { bytes } = await drain(
      await bucket.stream("big", { range: { offset: 16, length: 64 } }),
    );
    expect(bytes.toString()).toBe(text(BIG).slice(16, 80));
    expect((await bucket.head("small")).contentLength).toBe(5);
    expect(await bucket.exists("big")).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), "s3kit-ssec-"));
    try {
      await bucket.download("big", join(dir, "big"), { partSize: 2 * 1024 * 1024 });
      expect((await readFile(join(dir, "big"), "utf8")) === text(BIG)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await bucket.copy("small", "copied");
    await bucket.copy("big", "copied-big", {
      copyThreshold: 5 * 1024 * 1024,
      partSize: 5 * 1024 * 1024,
    });
    expect(store.objects.get("copied-big")?.body === text(BIG)).toBe(true);
    const keyed = server.requests.filter((request) => operationOf(request) !== "GetObjectTagging");
    const operations = new Set(keyed.map(operationOf));
    for (const name of [
      "PutObject",
      "CreateMultipartUpload",
      "UploadPart",
      "CompleteMultipartUpload",
      "GetObject",
      "HeadObject",
      "UploadPartCopy",
    ]) {
      expect(operations).toContain(name);
    }
    for (const request of keyed) expect(sent(request)).toEqual(keyHeaders(KEY));
    const copies = keyed.filter((request) => "x-amz-copy-source" in request.headers);
    expect(copies.length).toBe(3);
    for (const request of copies) {
      expect(sent(request, "x-amz-copy-source-server-side-encryption-customer-")).toEqual(
        keyHeaders(KEY),
      );
    }
    // The lean path makes reads and small writes itself (the SDK's sends x-amz-user-agent).
    const simple = keyed.filter((request) => /^(GetObject|HeadObject)$/.test(operationOf(request)));
    for (const request of simple) {
      expect("x-amz-user-agent" in request.headers).toBe(transport === "sdk");
    }
    // The resume: a ranged GET pinned to the ETag, with the key.
    const ranged = keyed.filter((request) => String(request.headers.range).startsWith("bytes=48-"));
    expect(ranged).toHaveLength(1);
  });

  it("re-keys in a copy: the source's key and the destination's apart; null sends none", async () => {
    const store = sseCStore();
    const { server, s3 } = await fakes.serve(store.reply, { transport });
    const bucket = s3.bucket("b");
    await bucket.put("a", "secret text", { sseCustomerKey: KEY64 });
    await bucket.copy("a", "b", { sourceSseCustomerKey: KEY, sseCustomerKey: OTHER });
    expect(await bucket.getText("b", { sseCustomerKey: OTHER })).toBe("secret text");
    await bucket.copy("b", "plain", { sourceSseCustomerKey: OTHER });
    expect(await bucket.getText("plain")).toBe("secret text");
    const scoped = s3.bucket("b", { defaults: { sseCustomerKey: KEY } });
    expect(await scoped.getText("plain", { sseCustomerKey: null })).toBe("secret text");
    expect(
      sent(server.requests.at(-1) as SeenRequest)["x-amz-server-side-encryption-customer-key"],
    ).toBeUndefined();
  });

  it("names a read refused for its key: required, not applicable, or wrong (403)", async () => {
    const store = sseCStore();
    const { s3 } = await fakes.serve(store.reply, { transport });
    const bucket = s3.bucket("b");
    await bucket.put("locked", "x", { sseCustomerKey: KEY });
    await bucket.put("plain", "x");
    for (const call of [
      () => bucket.getText("locked"),
      () => bucket.head("locked"),
      () => bucket.exists("locked"),
    ]) {
      const error = (await rejection(call())) as S3OperationError;
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error.code).toBe("SseCustomerKeyRequired");
      expect(error.message).toMatch(/customer-provided key \(SSE-C\): pass it as sseCustomerKey/);
    }
    const copyError = (await rejection(bucket.copy("locked", "c"))) as S3OperationError;
    expect(copyError.code).toBe("SseCustomerKeyRequired");
    expect(copyError.message).toMatch(/sourceSseCustomerKey/);
    for (const call of [
      () => bucket.getText("plain", { sseCustomerKey: KEY }),
      () => bucket.head("plain", { sseCustomerKey: KEY }),
    ]) {
      const error = (await rejection(call())) as S3OperationError;
      expect(error.code).toBe("SseCustomerKeyNotApplicable");
    }
    for (const call of [
      () => bucket.getBytes("locked", { sseCustomerKey: OTHER }),
      () => bucket.head("locked", { sseCustomerKey: OTHER }),
    ]) {
      const error = (await rejection(call())) as AccessDeniedError;
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect(error.message).toMatch(/customer-provided key was sent/);
    }
  });

  it("never shows the key: an echoing store's errors, their causes, the log lines", async () => {
    // A store refusing every request with a SignatureDoesNotMatch that echoes what was
    // signed, as S3 does: the canonical request holds the key header, also as spaced hex.
    const echo = (request: SeenRequest) => {
      const canonical = Object.entries(request.headers)
        .map(([name, value]) => `${name}:${value}`)
        .join("\n");
      const bytes = Array.from(Buffer.from(canonical), (byte) =>
        byte.toString(16).padStart(2, "0"),
      ).join(" ");
      return {
        status: 403,
        headers: { "x-echo": String(request.headers["x-amz-server-side-encryption-customer-key"]) },
        body: errorXml(
          "SignatureDoesNotMatch",
          `mismatch ${KEY64} ${KEY_MD5}</Message><CanonicalRequest>${canonical}</CanonicalRequest><CanonicalRequestBytes>${bytes}</CanonicalRequestBytes><Message>x`,
        ),
      };
    };
    const { logger, text: logged } = recording();
    const { s3 } = await fakes.serve(echo, { transport, logger, maxRetries: 0 });
    const bucket = s3.bucket("b", { defaults: { sseCustomerKey: KEY } });
    const errors = [
      await rejection(bucket.getText("k")),
      await rejection(bucket.put("k", "v")),
      await rejection(bucket.head("k")),
      await rejection(bucket.copy("k", "l")),
    ];
    for (const error of errors) {
      const shown = [
        inspect(error, { depth: 20, showHidden: true }),
        String(error),
        JSON.stringify(error),
      ].join("\n");
      for (const spelling of SPELLINGS) expect(shown).not.toContain(spelling);
      expect(shown).not.toContain(
        Array.from(KEY64, (char) => char.charCodeAt(0).toString(16)).join(" "),
      );
    }
    expect(logged().length).toBeGreaterThan(100);
    for (const spelling of SPELLINGS) expect(logged()).not.toContain(spelling);
  });
});

describe("SSE-C keys (checked before any request)", () => {
  it("takes 32 bytes or their base64; refuses the rest without showing it", async () => {
    const { server, s3 } = await fakes.serve(sseCStore().reply);
    const bucket = s3.bucket("b");
    const wrong: unknown[] = [
      new Uint8Array(31),
      new Uint8Array(33),
      "k".repeat(32),
      Buffer.from(KEY).toString("hex"),
      Buffer.from(KEY).toString("base64url"),
      `${KEY64} `,
      Buffer.from(new Uint8Array(24)).toString("base64"),
      32,
    ];
    for (const sseCustomerKey of wrong) {
      const calls = [
        bucket.put("k", "v", { sseCustomerKey } as never),
        bucket.getText("k", { sseCustomerKey } as never),
        bucket.head("k", { sseCustomerKey } as never),
        bucket.presign("k", { sseCustomerKey } as never),
        bucket.copy("a", "b", { sourceSseCustomerKey: sseCustomerKey } as never),
        s3.bucket("b", { defaults: { sseCustomerKey } as never }).exists("k"),
      ];
      for (const call of calls) {
        const error = (await rejection(call)) as ValidationError;
        expect(error).toBeInstanceOf(ValidationError);
        if (typeof sseCustomerKey === "string" && sseCustomerKey.length > 8) {
          expect(error.message).not.toContain(sseCustomerKey.trim());
        }
      }
    }
    expect(() => bucket.lines("k", { sseCustomerKey: "short" })).toThrow(ValidationError);
    const mixed = bucket.put("k", "v", { sseCustomerKey: KEY, serverSideEncryption: "AES256" });
    expect(await rejection(mixed)).toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it("sseCustomerHeaders: the algorithm, the key in base64 and its MD5", () => {
    expect(sseCustomerHeaders(KEY)).toEqual(keyHeaders(KEY));
    expect(sseCustomerHeaders(KEY64)).toEqual(keyHeaders(KEY));
    expect(() => sseCustomerHeaders("k".repeat(32))).toThrow(ValidationError);
  });

  it("presign signs the three headers and puts no key in the URL", async () => {
    const { s3 } = await fakes.serve(sseCStore().reply);
    const bucket = s3.bucket("b", { defaults: { sseCustomerKey: KEY } });
    for (const url of [
      await bucket.presign("k"),
      await bucket.presign("k", { method: "PUT", contentType: "text/plain" }),
    ]) {
      const query = new URL(url).searchParams;
      expect(query.get("X-Amz-SignedHeaders")?.split(";")).toEqual(
        expect.arrayContaining(Object.keys(keyHeaders(KEY))),
      );
      for (const spelling of [...SPELLINGS, encodeURIComponent(KEY64)])
        expect(url).not.toContain(spelling);
    }
    const plain = await bucket.presign("k", { sseCustomerKey: null });
    expect(new URL(plain).searchParams.get("X-Amz-SignedHeaders")).toBe("host");
  });
});
