import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AccessDeniedError, S3, ValidationError } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { errorXml, fakeCredentials, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { useTempDir } from "../helpers/files.js";
import { TRANSPORTS } from "../helpers/lean-calls.js";
import { OBJECT_TEXT, permissiveStore } from "../helpers/permissive-store.js";
import { operationOf } from "../helpers/s3-wire.js";

// Unsigned requests on the wire, on both transports: what a public bucket's reader sends.
// MinIO checks the same against a real anonymous-read policy (tests/integration).

const fakes = useFakeS3();
const dir = useTempDir("anonymous");

afterEach(() => {
  vi.unstubAllEnvs();
});

/** No credentials at all: the fake S3's defaults (fakeCredentials) taken off. */
const ANONYMOUS = { anonymous: true, credentials: undefined } as const;

/** What a request carries that signs it, if anything: headers and query parameters. */
function signingParts(request: SeenRequest): string[] {
  const query = new URL(request.url, "http://fake").searchParams;
  const headers = ["authorization", "x-amz-date", "x-amz-security-token"].filter(
    (name) => name in request.headers,
  );
  const params = [...query.keys()].filter((name) => /^x-amz-(signature|credential)$/i.test(name));
  return [...headers, ...params];
}

describe("anonymous access: requests go unsigned", () => {
  it.each(TRANSPORTS)(
    "reads, writes, lists and deletes send no signature (%s)",
    async (transport) => {
      const { server, s3 } = await fakes.serve(permissiveStore, { ...ANONYMOUS, transport });
      const bucket = s3.bucket("b");
      expect(await bucket.getText("k")).toBe(OBJECT_TEXT);
      await bucket.head("k");
      await bucket.exists("missing");
      await bucket.put("k", "v");
      await bucket.setTags("k", { a: "b" });
      await bucket.list();
      await bucket.delete("k");
      await bucket.deleteMany(["a", "b"]);
      await bucket.download("k", join(dir.path, "k"));
      await bucket.upload(new Uint8Array(6 * 1024 * 1024), "m", { partSize: 5 * 1024 * 1024 });
      const sent = new Set(server.requests.map(operationOf));
      for (const name of [
        "GetObject",
        "PutObject",
        "UploadPart",
        "DeleteObjects",
        "ListObjectsV2",
      ]) {
        expect(sent).toContain(name);
      }
      expect(server.requests.flatMap(signingParts)).toEqual([]);
    },
  );

  it("the client of an anonymous S3 sends unsigned commands of the caller's too", async () => {
    const { server, s3 } = await fakes.serve(permissiveStore, ANONYMOUS);
    await s3.client.send(new GetObjectCommand({ Bucket: "b", Key: "k" }));
    expect(server.requests).toHaveLength(1);
    expect(server.requests.flatMap(signingParts)).toEqual([]);
  });

  it("AWS_SKIP_SIGNATURE=true (any case) makes an S3 anonymous, the option wins over it", async () => {
    vi.stubEnv("AWS_SKIP_SIGNATURE", "True");
    const { server, s3 } = await fakes.serve(permissiveStore, { credentials: undefined });
    await s3.bucket("b").getText("k");
    expect(server.requests.flatMap(signingParts)).toEqual([]);
    const { server: signed, s3: chosen } = await fakes.serve(permissiveStore, { anonymous: false });
    await chosen.bucket("b").getText("k");
    expect(signed.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it("never asks the credential chain: env keys and a profile's credential_process stay unused", async () => {
    const marker = join(dir.path, "credential-process-ran");
    const config = join(dir.path, "config");
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`;
    await writeFile(
      config,
      `[profile public]\ncredential_process = node -e "${script.replaceAll('"', '\\"')}"\n`,
    );
    vi.stubEnv("AWS_CONFIG_FILE", config);
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir.path, "none"));
    vi.stubEnv("AWS_PROFILE", "public");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    for (const transport of TRANSPORTS) {
      const { server, s3 } = await fakes.serve(permissiveStore, { ...ANONYMOUS, transport });
      await s3.bucket("b").getText("k");
      await s3.bucket("b").put("k", "v");
      expect(server.requests.flatMap(signingParts)).toEqual([]);
      // The client's own provider refuses: there is no chain behind it to fall back on.
      await expect(s3.client.config.credentials()).rejects.toThrow(/anonymous/);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it.each(TRANSPORTS)(
    "what the bucket refuses anyone is an AccessDeniedError (%s)",
    async (transport) => {
      const denied = () => ({ status: 403, body: errorXml("AccessDenied", "Access Denied.") });
      const { s3 } = await fakes.serve(denied, { ...ANONYMOUS, transport, maxRetries: 0 });
      const error = await rejection(s3.bucket("b").put("k", "v"));
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect(error).toMatchObject({ status: 403, operation: "PutObject", bucket: "b", key: "k" });
      expect(await rejection(s3.bucket("b").list())).toBeInstanceOf(AccessDeniedError);
    },
  );

  it("redaction has nothing of its own to hide and still hides the environment's secret", async () => {
    const secret = "env/Secret+Key/0123456789abcdefghijkl";
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", secret);
    const lines: string[] = [];
    const logger = {
      debug: (message: string, fields: object) => lines.push(message + JSON.stringify(fields)),
    };
    const echo = () => ({ status: 400, body: errorXml("InvalidArgument", `bad ${secret}`) });
    const { s3 } = await fakes.serve(echo, { ...ANONYMOUS, logger, maxRetries: 0 });
    const error = (await rejection(s3.bucket("b").getText("k"))) as Error;
    expect(error.message).toContain("[REDACTED]");
    expect(`${error.message}${lines.join("")}`).not.toContain(secret);
    expect(lines.length).toBeGreaterThan(0);
  });
});

describe("anonymous access: links", () => {
  it("presign gives the object's plain URL (a version's with versionId)", async () => {
    const s3 = new S3({ region: "eu-west-1", anonymous: true });
    const bucket = s3.bucket("open-data");
    expect(await bucket.prefix("a b").presign("ü+x.csv")).toBe(
      "https://open-data.s3.eu-west-1.amazonaws.com/a%20b/%C3%BC%2Bx.csv",
    );
    expect(await bucket.presign("k", { versionId: "3/L4kq+t" })).toBe(
      "https://open-data.s3.eu-west-1.amazonaws.com/k?versionId=3%2FL4kq%2Bt",
    );
    s3.close();
  });

  it("a plain URL of the fake store reads the object with fetch", async () => {
    const { server, s3 } = await fakes.serve(permissiveStore, ANONYMOUS);
    const response = await fetch(await s3.bucket("b").presign("k"));
    expect(await response.text()).toBe(OBJECT_TEXT);
    expect(server.requests.map((r) => r.url)).toEqual(["/b/k"]);
  });

  it.each([
    [{ method: "PUT" }, /cannot presign an upload/],
    [{ expiresIn: 60 }, /expiresIn needs a signed link \(an unsigned URL never expires\)/],
    [{ contentType: "text/csv" }, /contentType needs a signed link/],
    [{ filename: "a.csv" }, /filename needs a signed link/],
  ])("presign(%o) is a ValidationError: only a signature gives that", async (options, message) => {
    const s3 = new S3({ region: "eu-west-1", anonymous: true });
    const error = await rejection(s3.bucket("b").presign("k", options as never));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(message);
    s3.close();
  });

  it("presignPost is a ValidationError: a form's policy must be signed", async () => {
    const s3 = new S3({ region: "eu-west-1", anonymous: true });
    const error = await rejection(s3.bucket("b").presignPost("k"));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/anonymous S3 has no credentials/);
    s3.close();
  });
});

describe("anonymous access: bad settings are refused at new S3", () => {
  it.each([
    [{ anonymous: "yes" }, /anonymous must be a boolean/],
    [
      { anonymous: true, credentials: fakeCredentials },
      /anonymous cannot be combined with credentials/,
    ],
    [{ anonymous: true, requestPayer: true }, /anonymous cannot be combined with requestPayer/],
  ])("new S3(%o)", (options, message) => {
    expect(() => new S3(options as never)).toThrow(ValidationError);
    expect(() => new S3(options as never)).toThrow(message);
  });

  it("anonymous with a client of the caller's (a connection option)", async () => {
    const { s3: made } = await fakes.serve(permissiveStore);
    const make = () => new S3({ client: made.client, anonymous: true } as never);
    expect(make).toThrow(ValidationError);
    expect(make).toThrow(/anonymous cannot be combined with client/);
  });

  it.each(["yes", "1", "skip"])("AWS_SKIP_SIGNATURE=%s", (value) => {
    vi.stubEnv("AWS_SKIP_SIGNATURE", value);
    expect(() => new S3({ region: "us-east-1" })).toThrow(
      /AWS_SKIP_SIGNATURE variable must be "true" or "false"/,
    );
  });

  it("AWS_SKIP_SIGNATURE=true beside credentials or AWS_REQUESTER_PAYS=true", () => {
    vi.stubEnv("AWS_SKIP_SIGNATURE", "true");
    expect(() => new S3({ credentials: fakeCredentials })).toThrow(
      /AWS_SKIP_SIGNATURE=true cannot be combined with credentials/,
    );
    vi.stubEnv("AWS_REQUESTER_PAYS", "true");
    expect(() => new S3({ region: "us-east-1" })).toThrow(ValidationError);
  });

  it("a scope's requestPayer on an anonymous S3, before any request", async () => {
    const { server, s3 } = await fakes.serve(permissiveStore, ANONYMOUS);
    expect(() => s3.bucket("b", { defaults: { requestPayer: true } })).toThrow(ValidationError);
    expect(() => s3.bucket("b").prefix("p", { defaults: { requestPayer: true } })).toThrow(
      /requestPayer cannot be used by an anonymous S3/,
    );
    expect(server.requests).toEqual([]);
  });
});
