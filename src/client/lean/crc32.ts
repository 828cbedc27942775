import { base64 } from "../base64.js";
import { CRC32, crcBytes, crcOf } from "../crc.js";

/** The CRC-32 of `bytes` as S3's x-amz-checksum-crc32 header spells it: base64 of 4 bytes, big-endian. */
export function crc32Header(bytes: Uint8Array): string {
  return base64(crcBytes(CRC32, crcOf(CRC32, bytes)));
}
