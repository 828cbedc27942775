import { ValidationError } from "../errors/validation-error.js";

/**
 * The checksums s3kit computes and sends with a write (x-amz-checksum-*): "crc64nvme",
 * "crc32c" and "crc32" are CRCs, which combine, so a multipart upload also stores the CRC of
 * the whole object (FULL_OBJECT); "sha256" does not combine, so a multipart upload stores the
 * SHA-256 of the parts' SHA-256s with "-N" (COMPOSITE) and each part keeps its own.
 */
export type ChecksumName = "sha256" | "crc32" | "crc32c" | "crc64nvme";

export const CHECKSUM_NAMES: readonly ChecksumName[] = ["crc64nvme", "crc32c", "crc32", "sha256"];

/**
 * Checks a `checksum` option (per call or a scope default).
 * @throws ValidationError, before any request.
 */
export function checksumOption(value: unknown, operation: string): ChecksumName | undefined {
  if (value === undefined || CHECKSUM_NAMES.includes(value as ChecksumName)) {
    return value as ChecksumName | undefined;
  }
  throw new ValidationError(
    `${operation}: checksum must be one of ${CHECKSUM_NAMES.map((name) => `"${name}"`).join(", ")}`,
    { operation },
  );
}
