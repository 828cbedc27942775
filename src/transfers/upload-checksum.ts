import type { CompletedPart } from "@aws-sdk/client-s3";
import { type CrcKind, combineCrc, crcOf } from "../client/crc.js";
import {
  CHECKSUM_MEMBERS,
  checksumOf,
  crcKindOf,
  crcText,
  S3_ALGORITHMS,
} from "../common/checksum-of.js";
import type { ChecksumName } from "../common/checksum-option.js";

/** The checksum members a write request carries (one of them). */
export type ChecksumMembers = Partial<
  Record<(typeof CHECKSUM_MEMBERS)[ChecksumName], string> & {
    ChecksumAlgorithm: (typeof S3_ALGORITHMS)[ChecksumName];
    ChecksumType: "FULL_OBJECT" | "COMPOSITE";
  }
>;

/**
 * The checksum of one upload, computed by s3kit and sent as a value (x-amz-checksum-<name>),
 * never as an algorithm for the SDK to compute: the lean path carries values, and the SDK
 * adds no CRC32 of its own to a request that has one.
 * - One PutObject: the checksum of the whole body.
 * - Multipart: the upload is created for the algorithm; each UploadPart carries its part's
 *   checksum, which the completion lists. A CRC's upload is FULL_OBJECT: the completion also
 *   carries the whole object's CRC, combined from the parts' (the store checks it against
 *   the bytes it assembled). SHA-256 cannot be combined: its upload is COMPOSITE, the store
 *   keeps the SHA-256 of the parts' SHA-256s.
 */
export class UploadChecksum {
  readonly #name: ChecksumName;
  readonly #kind: CrcKind | undefined;
  readonly #member: (typeof CHECKSUM_MEMBERS)[ChecksumName];
  /** Each part's CRC and length, by part number, to combine at the completion. */
  readonly #parts = new Map<number, { crc: bigint; length: number }>();

  constructor(name: ChecksumName) {
    this.#name = name;
    this.#kind = crcKindOf(name);
    this.#member = CHECKSUM_MEMBERS[name];
  }

  /** The members of a PutObject of `body`, the whole object. */
  async whole(body: Uint8Array): Promise<ChecksumMembers> {
    return { [this.#member]: await checksumOf(this.#name, body) };
  }

  /** The members of CreateMultipartUpload. */
  created(): ChecksumMembers {
    const ChecksumType = this.#kind === undefined ? "COMPOSITE" : "FULL_OBJECT";
    return { ChecksumAlgorithm: S3_ALGORITHMS[this.#name], ChecksumType };
  }

  /** The members of UploadPart `number` of `body` (which the completion lists with the part). */
  async part(number: number, body: Uint8Array): Promise<ChecksumMembers> {
    const kind = this.#kind;
    if (kind === undefined) return this.whole(body);
    const crc = crcOf(kind, body);
    this.#parts.set(number, { crc, length: body.byteLength });
    return { [this.#member]: crcText(kind, crc) };
  }

  /**
   * The members of CompleteMultipartUpload of `parts` (in part-number order): for a CRC, the
   * whole object's, combined from the parts'.
   */
  completed(parts: CompletedPart[]): ChecksumMembers {
    const kind = this.#kind;
    if (kind === undefined) return {};
    let whole: bigint | undefined;
    for (const { PartNumber } of parts) {
      const part = this.#parts.get(PartNumber ?? 0);
      if (part === undefined) throw new Error(`no checksum of part ${PartNumber}`);
      whole = whole === undefined ? part.crc : combineCrc(kind, whole, part.crc, part.length);
    }
    if (whole === undefined) return {};
    return { [this.#member]: crcText(kind, whole), ChecksumType: "FULL_OBJECT" };
  }
}
