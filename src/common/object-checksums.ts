import { S3OperationError } from "../errors/s3-operation-error.js";
import { CHECKSUM_MEMBERS, checksumOf } from "./checksum-of.js";
import { CHECKSUM_NAMES, type ChecksumName } from "./checksum-option.js";

/**
 * The checksums a store keeps of an object (base64, as S3 sends them), read with
 * x-amz-checksum-mode: ENABLED. `type` "FULL_OBJECT": each is the checksum of the whole
 * object's bytes; "COMPOSITE": of the parts' checksums, followed by "-" and the part count.
 * Empty when the store keeps none (or sends none: many S3-compatible stores).
 */
export interface ObjectChecksums {
  /** CRC-64/NVME (x-amz-checksum-crc64nvme): 8 bytes, big-endian. */
  crc64nvme?: string;
  /** CRC-32C, Castagnoli (x-amz-checksum-crc32c): 4 bytes, big-endian. */
  crc32c?: string;
  /** CRC-32, IEEE (x-amz-checksum-crc32): 4 bytes, big-endian. */
  crc32?: string;
  /** SHA-256 (x-amz-checksum-sha256): 32 bytes. */
  sha256?: string;
  /** Reported as S3 sends it; s3kit never computes nor verifies SHA-1. */
  sha1?: string;
  /** What the values are of, when the store says (see above). */
  type?: "FULL_OBJECT" | "COMPOSITE";
}

/** The checksum members of a HeadObject or GetObject answer. */
export interface ChecksumOutput {
  ChecksumCRC64NVME?: string | undefined;
  ChecksumCRC32C?: string | undefined;
  ChecksumCRC32?: string | undefined;
  ChecksumSHA256?: string | undefined;
  ChecksumSHA1?: string | undefined;
  ChecksumType?: string | undefined;
}

/** The checksums of an answer (see ObjectChecksums). */
export function objectChecksums(output: ChecksumOutput): ObjectChecksums {
  const checksums: ObjectChecksums = {};
  for (const name of CHECKSUM_NAMES) {
    const value = output[CHECKSUM_MEMBERS[name]];
    if (value) checksums[name] = value;
  }
  if (output.ChecksumSHA1) checksums.sha1 = output.ChecksumSHA1;
  const type = output.ChecksumType;
  if (type === "FULL_OBJECT" || type === "COMPOSITE") checksums.type = type;
  return checksums;
}

/** A composite checksum: a part count after the value ("…=-3"). */
const COMPOSITE = /-\d+$/;

/**
 * The checksum to verify a whole download or read with: the first of CHECKSUM_NAMES the
 * store holds of the whole object's bytes (type FULL_OBJECT, or no type and no "-N" part
 * count, as stores that send no type spell it); undefined when there is none.
 */
export function fullObjectChecksum(
  checksums: ObjectChecksums,
): { name: ChecksumName; expected: string } | undefined {
  if (checksums.type === "COMPOSITE") return undefined;
  for (const name of CHECKSUM_NAMES) {
    const expected = checksums[name];
    if (expected !== undefined && !COMPOSITE.test(expected)) return { name, expected };
  }
  return undefined;
}

/** The S3OperationError "ChecksumMismatch" of bytes that are not the object the store holds. */
export function checksumMismatch(
  where: { operation: string; bucket: string; key: string },
  name: ChecksumName,
  expected: string,
  actual: string,
): S3OperationError {
  return new S3OperationError(
    `${where.operation} s3://${where.bucket}/${where.key}: the bytes read have ${name} ${actual}, the store holds ${expected}; the object was not read as it is stored`,
    { ...where, code: "ChecksumMismatch", retryable: false },
  );
}

/**
 * Checks `bytes` (the whole object) against the store's full-object checksum, if it has one:
 * synchronously (no promise per read) but for SHA-256 in the web build, whose promise is then
 * returned.
 * @throws S3OperationError "ChecksumMismatch".
 */
export function verifyBytes(
  bytes: Uint8Array,
  checksums: ObjectChecksums,
  where: { operation: string; bucket: string; key: string },
): undefined | Promise<void> {
  const stored = fullObjectChecksum(checksums);
  if (stored === undefined) return undefined;
  const check = (actual: string): undefined => {
    if (actual === stored.expected) return undefined;
    throw checksumMismatch(where, stored.name, stored.expected, actual);
  };
  const actual = checksumOf(stored.name, bytes);
  return typeof actual === "string" ? check(actual) : actual.then(check);
}
