import { base64 } from "../client/base64.js";
import { CRC32, CRC32C, CRC64NVME, type CrcKind, crcBytes, crcOf } from "../client/crc.js";
import { sha256Digest } from "../client/hmac.js";
import type { ChecksumName } from "./checksum-option.js";

/** The SDK input and output member carrying each checksum. */
export const CHECKSUM_MEMBERS = {
  crc64nvme: "ChecksumCRC64NVME",
  crc32c: "ChecksumCRC32C",
  crc32: "ChecksumCRC32",
  sha256: "ChecksumSHA256",
} as const;

/** The name S3 gives each algorithm (x-amz-checksum-algorithm, ChecksumAlgorithm). */
export const S3_ALGORITHMS = {
  crc64nvme: "CRC64NVME",
  crc32c: "CRC32C",
  crc32: "CRC32",
  sha256: "SHA256",
} as const;

const CRC_KINDS: Partial<Record<ChecksumName, CrcKind>> = {
  crc32: CRC32,
  crc32c: CRC32C,
  crc64nvme: CRC64NVME,
};

/** The CRC of a checksum name, undefined for "sha256". */
export function crcKindOf(name: ChecksumName): CrcKind | undefined {
  return CRC_KINDS[name];
}

/** A CRC's value as its x-amz-checksum-* header spells it. */
export function crcText(kind: CrcKind, value: bigint): string {
  return base64(crcBytes(kind, value));
}

/**
 * The `name` checksum of `bytes` as its x-amz-checksum-* header spells it (base64). SHA-256 is
 * asynchronous where only WebCrypto has it; the rest is synchronous (no promise per read).
 */
export function checksumOf(name: ChecksumName, bytes: Uint8Array): string | Promise<string> {
  const kind = crcKindOf(name);
  if (kind !== undefined) return crcText(kind, crcOf(kind, bytes));
  const digest = sha256Digest(bytes);
  return digest instanceof Uint8Array ? base64(digest) : digest.then(base64);
}
