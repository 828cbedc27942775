import { createHash } from "node:crypto";
import { Crc32, Crc32c, Crc64Nvme } from "@aws-sdk/checksums/crc";

/** Each checksum s3kit computes. */
export const ALGORITHMS = ["crc64nvme", "crc32c", "crc32", "sha256"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

const HASHERS = { crc32: Crc32, crc32c: Crc32c, crc64nvme: Crc64Nvme } as const;

/**
 * The checksum of `bytes` in base64 as S3 sends it, computed by the AWS SDK's own
 * implementations (and Node's SHA-256), not by s3kit's: the reference s3kit is checked against.
 */
export async function referenceChecksum(algorithm: Algorithm, bytes: Uint8Array): Promise<string> {
  if (algorithm === "sha256") return createHash("sha256").update(bytes).digest("base64");
  const hasher = new HASHERS[algorithm]();
  hasher.update(bytes);
  return Buffer.from(await hasher.digest()).toString("base64");
}

/** The composite SHA-256 of parts, as S3 keeps it after a multipart upload: "…=-N". */
export function compositeSha256(parts: Uint8Array[]): string {
  const outer = createHash("sha256");
  for (const part of parts) outer.update(createHash("sha256").update(part).digest());
  return `${outer.digest("base64")}-${parts.length}`;
}
