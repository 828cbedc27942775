import { createHash, randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { CRC32, CRC32C, CRC64NVME, combineCrc, crcOf } from "../../src/client/crc.js";
import { LEAN_OPERATIONS, leanCovers } from "../../src/client/lean/lean-operations.js";
import { S3OperationError, ValidationError } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { ALGORITHMS, type Algorithm, referenceChecksum } from "../helpers/checksums.js";
import { errorXml, objectAnswer, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { useTempDir } from "../helpers/files.js";
import { TRANSPORTS } from "../helpers/lean-calls.js";
import { operationOf, xmlReply } from "../helpers/s3-wire.js";

const fakes = useFakeS3();
const dir = useTempDir("checksums-unit");
const MiB = 1024 * 1024;
const utf8 = new TextEncoder();

describe("end-to-end checksums: the CRCs and their combination", () => {
  it("match the published check values of '123456789'", () => {
    const check = utf8.encode("123456789");
    expect(crcOf(CRC32, check)).toBe(0xcbf43926n);
    expect(crcOf(CRC32C, check)).toBe(0xe3069283n);
    expect(crcOf(CRC64NVME, check)).toBe(0xae8b14860a799888n);
  });

  it("combine(A, B) is the CRC of A followed by B, for every split and length", () => {
    const bytes = randomBytes(70_001);
    for (const kind of [CRC32, CRC32C, CRC64NVME]) {
      const whole = crcOf(kind, bytes);
      for (const cut of [0, 1, 7, 8, 9, 4096, 65_537, 70_000, 70_001]) {
        const a = bytes.subarray(0, cut);
        const b = bytes.subarray(cut);
        expect(combineCrc(kind, crcOf(kind, a), crcOf(kind, b), b.length)).toBe(whole);
      }
    }
  });

  it("combines associatively, so lengths beyond what a test can hash (5 TiB parts) agree too", () => {
    const [a, b, c] = [1n, 0xdeadbeefn, 0x12345678n];
    const huge = 5 * 1024 ** 4;
    for (const kind of [CRC32, CRC32C, CRC64NVME]) {
      const left = combineCrc(kind, combineCrc(kind, a, b, huge), c, huge + 3);
      const right = combineCrc(kind, a, combineCrc(kind, b, c, huge + 3), 2 * huge + 3);
      expect(left).toBe(right);
    }
  });

  it("agree with the AWS SDK's own implementations", async () => {
    const bytes = randomBytes(100_003);
    for (const name of ["crc32", "crc32c", "crc64nvme"] as const) {
      const kind = { crc32: CRC32, crc32c: CRC32C, crc64nvme: CRC64NVME }[name];
      const ours = Buffer.from(
        crcOf(kind, bytes)
          .toString(16)
          .padStart(kind.width / 4, "0"),
        "hex",
      );
      expect(ours.toString("base64")).toBe(await referenceChecksum(name, bytes));
    }
  });
});

describe("end-to-end checksums: the lean path carries them", () => {
  it("covers checksum values on PutObject and UploadPart, ChecksumMode on GET and HEAD", () => {
    const at = { Bucket: "b", Key: "k" };
    const covers = (command: unknown, input: Record<string, unknown>) =>
      leanCovers(LEAN_OPERATIONS.get(command)!, { ...at, ...input });
    expect(covers(PutObjectCommand, { Body: "x", ChecksumCRC64NVME: "AAAAAAAAAAA=" })).toBe(true);
    expect(
      covers(UploadPartCommand, { Body: "x", ChecksumSHA256: "x", PartNumber: 1, UploadId: "u" }),
    ).toBe(true);
    expect(covers(GetObjectCommand, { ChecksumMode: "ENABLED" })).toBe(true);
    expect(covers(HeadObjectCommand, { ChecksumMode: "ENABLED" })).toBe(true);
    // An algorithm for the SDK to compute still goes its way: s3kit never sends one there.
    expect(covers(PutObjectCommand, { Body: "x", ChecksumAlgorithm: "CRC32" })).toBe(false);
  });
});

/** A store taking uploads and keeping nothing: each multipart request answered as S3 does. */
function uploadStore(request: SeenRequest) {
  const operation = operationOf(request);
  if (operation === "CreateMultipartUpload") {
    return xmlReply(
      "<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>",
    );
  }
  if (operation === "CompleteMultipartUpload") {
    return xmlReply(
      '<CompleteMultipartUploadResult><ETag>"done-3"</ETag></CompleteMultipartUploadResult>',
    );
  }
  if (operation === "UploadPart")
    return { status: 200, headers: { etag: `"p${request.url.length}"` } };
  return { status: 200, headers: { etag: '"e1"' } };
}

/** The checksum headers a request carried. */
function checksumHeaders(request: SeenRequest | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(request?.headers ?? {}).filter(([name]) => /checksum/.test(name)),
  );
}

const header = (algorithm: Algorithm) => `x-amz-checksum-${algorithm}`;

describe("end-to-end checksums on the wire", () => {
  for (const transport of TRANSPORTS) {
    for (const checksums of ["when-required", "when-supported"] as const) {
      it(`put() sends exactly the checksum asked for, nothing of the SDK's (${transport}, ${checksums})`, async () => {
        const { server, s3 } = await fakes.serve(uploadStore, { transport, checksums });
        for (const algorithm of ALGORITHMS) {
          await s3.bucket("b").put("k", "héllo", { checksum: algorithm });
          const sent = server.requests.at(-1);
          expect(checksumHeaders(sent)).toEqual({
            [header(algorithm)]: await referenceChecksum(algorithm, utf8.encode("héllo")),
          });
        }
      });
    }

    for (const algorithm of ALGORITHMS) {
      it(`upload() in parts with "${algorithm}" (${transport}): Create names it, each part carries its own, Complete lists them${algorithm === "sha256" ? "" : " and the whole object's"}`, async () => {
        const { server, s3 } = await fakes.serve(uploadStore, { transport });
        const bytes = randomBytes(11 * MiB);
        await s3.bucket("b").upload(bytes, "k", { checksum: algorithm, partSize: 5 * MiB });
        const byOperation = (name: string) =>
          server.requests.filter((r) => operationOf(r) === name);
        const [create] = byOperation("CreateMultipartUpload");
        const full = algorithm !== "sha256";
        expect(create?.headers["x-amz-checksum-algorithm"]).toBe(algorithm.toUpperCase());
        expect(create?.headers["x-amz-checksum-type"]).toBe(full ? "FULL_OBJECT" : "COMPOSITE");
        const parts = [
          bytes.subarray(0, 5 * MiB),
          bytes.subarray(5 * MiB, 10 * MiB),
          bytes.subarray(10 * MiB),
        ];
        const expected = await Promise.all(parts.map((part) => referenceChecksum(algorithm, part)));
        const sent = byOperation("UploadPart").sort((a, b) => a.url.localeCompare(b.url));
        expect(sent.map((part) => checksumHeaders(part))).toEqual(
          expected.map((value) => ({ [header(algorithm)]: value })),
        );
        const [complete] = byOperation("CompleteMultipartUpload");
        const member = `Checksum${algorithm.toUpperCase()}`;
        for (const value of expected)
          expect(complete?.body).toContain(`<${member}>${value}</${member}>`);
        expect(checksumHeaders(complete)).toEqual(
          full
            ? {
                [header(algorithm)]: await referenceChecksum(algorithm, bytes),
                "x-amz-checksum-type": "FULL_OBJECT",
              }
            : {},
        );
      });
    }
  }

  it("a bad checksum option fails before any request", async () => {
    const { server, s3 } = await fakes.serve(uploadStore);
    const bucket = s3.bucket("b");
    for (const bad of ["md5", "SHA256", 1, null]) {
      const options = { checksum: bad as Algorithm };
      expect(await rejection(bucket.put("k", "x", options))).toBeInstanceOf(ValidationError);
      expect(await rejection(bucket.upload(new Uint8Array(1), "k", options))).toBeInstanceOf(
        ValidationError,
      );
    }
    expect(server.requests).toEqual([]);
  });
});

/** A store holding `data` whose reads carry `headers` (checksums, right or wrong), ranges or not. */
function storeOf(data: Uint8Array, headers: Record<string, string>) {
  return (request: SeenRequest) =>
    objectAnswer(request, data, {
      etag: '"e1"',
      // S3 sends checksums on a HEAD and on a whole-object GET, never on a range.
      ...(request.headers.range ? {} : headers),
    });
}

describe("end-to-end checksums: reads verify a full-object checksum", () => {
  for (const transport of TRANSPORTS) {
    for (const algorithm of ALGORITHMS) {
      it(`a store answering the wrong bytes for its ${algorithm}: getBytes and download fail "ChecksumMismatch", no file left (${transport})`, async () => {
        const data = randomBytes(3 * MiB + 5);
        const wrong = await referenceChecksum(algorithm, randomBytes(16));
        const { s3 } = await fakes.serve(storeOf(data, { [header(algorithm)]: wrong }), {
          transport,
        });
        const bucket = s3.bucket("b");
        for (const read of [() => bucket.getBytes("k"), () => bucket.getText("k")]) {
          const error = await rejection(read());
          expect(error).toBeInstanceOf(S3OperationError);
          expect((error as S3OperationError).code).toBe("ChecksumMismatch");
        }
        for (const partSize of [MiB, 8 * MiB]) {
          const error = await rejection(
            bucket.download("k", join(dir.path, "k.bin"), { partSize }),
          );
          expect((error as S3OperationError).code).toBe("ChecksumMismatch");
          expect(await readdir(dir.path)).toEqual([]);
        }
      });
    }

    it(`the right checksum: getBytes and download (ranged parts combined) succeed (${transport})`, async () => {
      const data = randomBytes(3 * MiB + 5);
      const headers = {
        [header("crc64nvme")]: await referenceChecksum("crc64nvme", data),
        "x-amz-checksum-type": "FULL_OBJECT",
      };
      const { server, s3 } = await fakes.serve(storeOf(data, headers), { transport });
      const bucket = s3.bucket("b");
      expect(Buffer.from(await bucket.getBytes("k")).equals(data)).toBe(true);
      const info = await bucket.head("k");
      expect(info.checksums).toEqual({
        crc64nvme: headers[header("crc64nvme")],
        type: "FULL_OBJECT",
      });
      await bucket.download("k", join(dir.path, "k.bin"), { partSize: MiB });
      expect(await readdir(dir.path)).toEqual(["k.bin"]);
      const heads = server.requests.filter((r) => r.method === "HEAD");
      expect(heads.every((r) => r.headers["x-amz-checksum-mode"] === "ENABLED")).toBe(true);
    });

    it(`a store that keeps no checksums (none on GET or HEAD): nothing to verify, reads succeed (${transport})`, async () => {
      const data = randomBytes(2 * MiB);
      const { s3 } = await fakes.serve(storeOf(data, {}), { transport });
      const bucket = s3.bucket("b");
      expect((await bucket.head("k")).checksums).toEqual({});
      expect(Buffer.from(await bucket.getBytes("k")).equals(data)).toBe(true);
      await bucket.download("k", join(dir.path, "k.bin"), { partSize: MiB });
      expect(await readdir(dir.path)).toEqual(["k.bin"]);
    });

    it(`a composite checksum ("-N") is reported but not verified: a ranged read cannot (${transport})`, async () => {
      const data = randomBytes(MiB);
      const composite = {
        [header("sha256")]: `${createHash("sha256").update("x").digest("base64")}-3`,
        "x-amz-checksum-type": "COMPOSITE",
      };
      const { s3 } = await fakes.serve(storeOf(data, composite), { transport });
      const bucket = s3.bucket("b");
      expect((await bucket.head("k")).checksums.type).toBe("COMPOSITE");
      expect(Buffer.from(await bucket.getBytes("k")).equals(data)).toBe(true);
      await bucket.download("k", join(dir.path, "k.bin"));
      expect(await readdir(dir.path)).toEqual(["k.bin"]);
    });

    for (const [status, code] of [
      [501, "NotImplemented"],
      [400, "InvalidArgument"],
    ] as const) {
      it(`a store that does not know the algorithm (${status} ${code}): put and upload fail with its error, no upload left (${transport})`, async () => {
        const refuse = (request: SeenRequest) => {
          const operation = operationOf(request);
          if (operation === "AbortMultipartUpload") return { status: 204 };
          if (operation === "ListParts")
            return { status: 404, body: errorXml("NoSuchUpload", "gone") };
          if (
            request.headers["x-amz-checksum-crc64nvme"] ||
            request.headers["x-amz-checksum-algorithm"]
          ) {
            return { status, body: errorXml(code, "Unknown checksum algorithm") };
          }
          return uploadStore(request);
        };
        const { server, s3 } = await fakes.serve(refuse, { transport });
        const bucket = s3.bucket("b");
        for (const write of [
          () => bucket.put("k", "x", { checksum: "crc64nvme" }),
          () =>
            bucket.upload(randomBytes(6 * MiB), "k", { checksum: "crc64nvme", partSize: 5 * MiB }),
        ]) {
          const error = await rejection(write());
          expect(error).toBeInstanceOf(S3OperationError);
          expect((error as S3OperationError).code).toBe(code);
          expect((error as S3OperationError).status).toBe(status);
        }
        expect(server.requests.filter((r) => operationOf(r) === "UploadPart")).toEqual([]);
      });
    }
  }
});
