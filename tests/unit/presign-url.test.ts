import { S3Client } from "@aws-sdk/client-s3";
import { formatUrl } from "@aws-sdk/core/util";
import { extendedEncodeURIComponent, HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it, vi } from "vitest";
import type { PresignRequest } from "../../src/client/presign-url.js";
import { uriEncodeKey } from "../../src/client/uri-encode.js";

/** The SDK's SHA-256 (its Hash class), as a client's config holds it. */
const sdkSha256 = new S3Client({ region: "us-east-1" }).config.sha256;

/** A seeded generator, so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const SEGMENTS = [
  "a",
  "b c",
  "1+1=2",
  "100%",
  "~tilde",
  "Zürich",
  "日本語",
  "😀",
  ".",
  "..",
  "",
  "x!y'z(1)*",
  "&?#",
  "a%2Fb",
  "  spaced  ",
];
const ENDPOINTS = [
  { protocol: "https:", hostname: "example-bucket.s3.eu-west-1.amazonaws.com", base: "" },
  { protocol: "https:", hostname: "s3.amazonaws.com", base: "/b.with.dots" },
  { protocol: "http:", hostname: "127.0.0.1", port: 9000, base: "/bucket" },
  { protocol: "https:", hostname: "store.example", port: 8443, base: "/base/bucket" },
];
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const EXPIRES = [1, 60, 900, 3600, 86_400, 604_800];

/** One generated request, in the form both signers take. */
interface Case {
  request: PresignRequest;
  endpoint: (typeof ENDPOINTS)[number];
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function generatedKey(next: () => number): string {
  const count = 1 + Math.floor(next() * 5);
  return Array.from({ length: count }, () => pick(next, SEGMENTS)).join("/");
}

/** The query and headers of a GET link (response overrides, version) or a PUT link (signed headers). */
function parameters(next: () => number, method: string) {
  const query: Record<string, string> = { "x-id": method === "PUT" ? "PutObject" : "GetObject" };
  const headers: Record<string, string> = {};
  if (method === "GET") {
    if (next() < 0.5) query["response-content-type"] = pick(next, ["text/csv", "image/png"]);
    if (next() < 0.5) {
      query["response-content-disposition"] =
        "attachment; filename=\"Z_rich (1)'s.pdf\"; filename*=UTF-8''Z%C3%BCrich%20%281%29%27s.pdf";
    }
    if (next() < 0.3) query.versionId = "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY";
    return { query, headers };
  }
  if (next() < 0.6)
    headers["content-type"] = pick(next, ["image/png", "text/plain; charset=utf-8"]);
  if (next() < 0.4) headers["content-length"] = String(Math.floor(next() * 1e9));
  if (next() < 0.4) headers["x-amz-meta-owner"] = pick(next, ["alice", "  two  spaces\there "]);
  if (next() < 0.3) headers["x-amz-meta-a-b"] = "1+1=2";
  if (next() < 0.3) headers["x-amz-server-side-encryption"] = "AES256";
  if (next() < 0.3) headers["x-amz-tagging"] = "team=blue&x=%20";
  if (next() < 0.3) headers["if-none-match"] = "*";
  if (next() < 0.3)
    headers["x-amz-checksum-sha256"] = "LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=";
  return { query, headers };
}

function generatedCase(seed: number): Case {
  const next = random(seed);
  const endpoint = pick(next, ENDPOINTS);
  const method = next() < 0.5 ? "GET" : "PUT";
  const { query, headers } = parameters(next, method);
  const secret = pick(next, ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "s3cr+t/with=signs"]);
  const sessionToken = next() < 0.5 ? undefined : "IQoJb3JpZ2luX2VjE+/token==";
  const port = endpoint.port === undefined ? "" : `:${endpoint.port}`;
  return {
    endpoint,
    request: {
      method,
      protocol: endpoint.protocol,
      host: `${endpoint.hostname}${port}`,
      path: `${endpoint.base}/${uriEncodeKey(generatedKey(next))}`,
      query,
      headers,
      expiresIn: pick(next, EXPIRES),
      credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: secret, sessionToken },
      region: pick(next, REGIONS),
      service: "s3",
      // Days around the turn of a year, at any second: the key cache meets several days.
      date: new Date(Date.UTC(2024, 11, 30) + Math.floor(next() * 4 * 86_400) * 1000),
    },
  };
}

/** The URL of the SDK's SignatureV4 for the same request, as its S3 presigner prepares it. */
async function sdkUrl({ request, endpoint }: Case): Promise<string> {
  const signer = new SignatureV4({
    service: request.service,
    region: request.region,
    credentials: request.credentials,
    sha256: sdkSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = Object.keys(request.headers ?? {});
  const presigned = await signer.presign(
    new HttpRequest({
      method: request.method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port,
      path: request.path,
      query: { ...request.query },
      headers: {
        ...request.headers,
        host: request.host,
        "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD",
      },
    }),
    {
      signingDate: request.date,
      expiresIn: request.expiresIn,
      signableHeaders: new Set(signed),
      unhoistableHeaders: new Set(signed),
    },
  );
  return formatUrl(presigned);
}

/** presignUrl with the Node or the web HMAC module, loaded afresh (its key cache empty). */
async function loadPresignUrl(web: boolean) {
  vi.resetModules();
  if (web) {
    vi.doMock("../../src/client/hmac.js", () => import("../../src/client/hmac.web.js"));
  } else {
    vi.doUnmock("../../src/client/hmac.js");
  }
  return (await import("../../src/client/presign-url.js")).presignUrl;
}

describe.each([
  ["node:crypto (hmac.ts)", false],
  ["WebCrypto (hmac.web.ts)", true],
])("presignUrl with %s", (_name, web) => {
  it("gives, for 400 generated requests, the very URL the SDK's SignatureV4 gives", async () => {
    const presignUrl = await loadPresignUrl(web);
    for (let seed = 1; seed <= 400; seed += 1) {
      const generated = generatedCase(seed);
      const url = await presignUrl(generated.request);
      expect(url, `seed ${seed}`).toBe(await sdkUrl(generated));
    }
  });

  it("signs what it is given: another header value, path or time is another signature", async () => {
    const presignUrl = await loadPresignUrl(web);
    const base = generatedCase(7).request;
    const signature = (url: string) => new URL(url).searchParams.get("X-Amz-Signature");
    const original = signature(await presignUrl(base));
    const variants: PresignRequest[] = [
      { ...base, headers: { ...base.headers, "content-type": "text/html" } },
      { ...base, path: `${base.path}x` },
      { ...base, date: new Date(base.date.getTime() + 1000) },
      { ...base, credentials: { ...base.credentials, secretAccessKey: "another/secret" } },
    ];
    for (const variant of variants) {
      expect(signature(await presignUrl(variant))).not.toBe(original);
    }
  });

  it("refuses an expiry SigV4 does not allow (0, over 7 days, a fraction)", async () => {
    const presignUrl = await loadPresignUrl(web);
    const base = generatedCase(3).request;
    for (const expiresIn of [0, 604_801, 1.5, Number.NaN]) {
      await expect(presignUrl({ ...base, expiresIn })).rejects.toBeInstanceOf(RangeError);
    }
  });
});

describe("uriEncodeKey", () => {
  it("encodes each segment of a key as the SDK encodes a key's path, every / and . kept", () => {
    const next = random(42);
    for (let index = 0; index < 500; index += 1) {
      const key = generatedKey(next);
      expect(uriEncodeKey(key), key).toBe(key.split("/").map(extendedEncodeURIComponent).join("/"));
    }
    expect(uriEncodeKey("a b//./x+y")).toBe("a%20b//./x%2By");
  });
});
