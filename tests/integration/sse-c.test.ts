import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureMinio } from "../../scripts/minio.js";
import { launchServer, type ServerProcess } from "../../scripts/stores/server-process.js";

// SSE-C against MinIO, which takes customer keys over TLS only: this file starts its own
// MinIO with a self-signed certificate for 127.0.0.1 (openssl), not the suite's plain-HTTP
// one. The check itself runs in a child process (tests/helpers/sse-c-check.ts) started with
// NODE_EXTRA_CA_CERTS: Node reads it only at start, and s3kit has no TLS option of its own
// (nor should the lean path, whose agent trusts what Node trusts). Once per transport.

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const access = `ssec${Date.now().toString(36)}`;
const secret = "ssec-secret-0123456789abcdef";
let certs: string;
let server: ServerProcess;
let endpoint: string;

/** Whether MinIO answers its readiness probe over TLS with our certificate. */
function ready(url: string, ca: string): Promise<boolean> {
  return new Promise((done) => {
    const request = get(`${url}/minio/health/ready`, { ca }, (answer) => {
      answer.resume();
      done(answer.statusCode === 200);
    });
    request.on("error", () => done(false));
  });
}

beforeAll(async () => {
  certs = await mkdtemp(join(tmpdir(), "s3kit-ssec-certs-"));
  await run("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"],
    ...["-keyout", join(certs, "private.key"), "-out", join(certs, "public.crt")],
    ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
  ]);
  const ca = await readFile(join(certs, "public.crt"), "utf8");
  server = await launchServer({
    name: "minio-tls",
    command: await ensureMinio(),
    ports: 2,
    args: ([port, consolePort], dataDir) => [
      ...["server", dataDir, "--address", `127.0.0.1:${port}`],
      ...["--console-address", `127.0.0.1:${consolePort}`, "--certs-dir", certs, "--quiet"],
    ],
    env: {
      MINIO_ROOT_USER: access,
      MINIO_ROOT_PASSWORD: secret,
      MINIO_BROWSER: "off",
      MINIO_UPDATE: "off",
    },
    ready: (url) => ready(url.replace("http:", "https:"), ca),
  });
  endpoint = server.endpoint.replace("http:", "https:");
});

afterAll(async () => {
  await server?.stop();
  if (certs) await rm(certs, { recursive: true, force: true });
});

// The file runs both transports and its own MinIO itself: the suite's reruns on the SDK path
// (S3KIT_TRANSPORT) and on another store (S3KIT_TEST_STORE) would repeat it to the letter.
const rerun =
  process.env.S3KIT_TRANSPORT === "sdk" || (process.env.S3KIT_TEST_STORE ?? "minio") !== "minio";

describe.skipIf(rerun).each(["lean", "sdk"])(
  "SSE-C against MinIO over TLS (transport %s)",
  (transport) => {
    it("writes, reads, copies and links with a customer key; refusals named; no key shown", async () => {
      const { stdout } = await run(
        process.execPath,
        ["--import", "tsx", join(ROOT, "tests/helpers/sse-c-check.ts")],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            NODE_EXTRA_CA_CERTS: join(certs, "public.crt"),
            S3KIT_SSEC_ENDPOINT: endpoint,
            S3KIT_SSEC_ACCESS_KEY: access,
            S3KIT_SSEC_SECRET_KEY: secret,
            S3KIT_SSEC_TRANSPORT: transport,
          },
          maxBuffer: 1024 * 1024,
        },
      );
      const seen = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
      expect(seen.getText).toBe("line 1\nline 2\n");
      expect(seen.bigSame).toBe(true);
      expect(seen.rangeSame).toBe(true);
      expect(seen.lines).toEqual(["line 1", "line 2"]);
      expect(seen.head).toEqual({ contentLength: 11 * 1024 * 1024, exists: true });
      expect(seen.downloadSame).toBe(true);
      expect(seen.respond).toEqual([200, "line 1\nline 2\n"]);
      expect(seen.copies).toEqual(["line 1\nline 2\n", true, "line 1\nline 2\n", "not encrypted"]);
      // What MinIO answers, as S3 does: 400 InvalidRequest without a key or with a needless
      // one, 403 AccessDenied for a wrong one.
      expect(seen.refusals).toEqual({
        getWithout: "S3OperationError SseCustomerKeyRequired",
        headWithout: "S3OperationError SseCustomerKeyRequired",
        existsWithout: "S3OperationError SseCustomerKeyRequired",
        copyWithout: "S3OperationError SseCustomerKeyRequired",
        getWrong: "AccessDeniedError AccessDenied",
        headWrong: "AccessDeniedError AccessDenied",
        getNeedless: "S3OperationError SseCustomerKeyNotApplicable",
        headNeedless: "S3OperationError SseCustomerKeyNotApplicable",
      });
      // A link works with the three headers only; the key is never in it.
      expect(seen.presignGet).toEqual([200, "line 1\nline 2\n", 400]);
      expect(seen.presignPut).toEqual([200, "by link"]);
      for (const link of seen.links) expect(link).not.toMatch(/customer-key=/i);
      expect(seen.logLines).toBeGreaterThan(10);
      expect(seen.leaks).toBe(0);
    });
  },
);
