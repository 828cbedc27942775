import { base64 } from "../client/base64.js";
import { Crc, type CrcKind, combineCrc } from "../client/crc.js";
import { crcKindOf, crcText } from "../common/checksum-of.js";
import type { ChecksumName } from "../common/checksum-option.js";
import {
  checksumMismatch,
  fullObjectChecksum,
  type ObjectChecksums,
} from "../common/object-checksums.js";
import type { TempFile } from "./temp-file.js";

/** What one part of a download hashes as its bytes come. */
export interface PartHasher {
  update(chunk: Uint8Array): void;
  /** The part is complete: its CRC counts. */
  done(): void;
}

const NO_HASH: PartHasher = { update() {}, done() {} };

/**
 * Verifies a download against the store's full-object checksum. A CRC is computed part by
 * part as the bytes arrive (parts run in parallel, each in order) and the parts' CRCs are
 * combined by offset: no second pass. SHA-256 does not combine: the file is read back once
 * before it is renamed onto the target. A composite checksum (a multipart upload's, "-N")
 * would need the upload's own part boundaries, which a HEAD does not give: not verified.
 */
export class DownloadChecksum {
  readonly #name: ChecksumName;
  readonly #expected: string;
  readonly #kind: CrcKind | undefined;
  readonly #parts = new Map<number, { crc: bigint; length: number }>();

  private constructor(name: ChecksumName, expected: string) {
    this.#name = name;
    this.#expected = expected;
    this.#kind = crcKindOf(name);
  }

  /** The verifier of an object with `checksums`, undefined when none can be verified. */
  static of(checksums: ObjectChecksums | undefined): DownloadChecksum | undefined {
    const stored = checksums && fullObjectChecksum(checksums);
    return stored && new DownloadChecksum(stored.name, stored.expected);
  }

  /** The hasher of the part starting at `offset`. */
  part(offset: number): PartHasher {
    const kind = this.#kind;
    if (kind === undefined) return NO_HASH;
    const crc = new Crc(kind);
    let length = 0;
    return {
      update: (chunk) => {
        crc.update(chunk);
        length += chunk.byteLength;
      },
      done: () => this.#parts.set(offset, { crc: crc.value, length }),
    };
  }

  /**
   * Checks the whole download, every part done, against the stored checksum.
   * @throws S3OperationError "ChecksumMismatch".
   */
  async verify(file: TempFile, where: { operation: string; bucket: string; key: string }) {
    const actual = await this.#actual(file);
    if (actual !== this.#expected)
      throw checksumMismatch(where, this.#name, this.#expected, actual);
  }

  async #actual(file: TempFile): Promise<string> {
    const kind = this.#kind;
    if (kind === undefined) return base64(await file.sha256());
    let whole: bigint | undefined;
    const offsets = [...this.#parts.keys()].sort((a, b) => a - b);
    for (const offset of offsets) {
      const { crc, length } = this.#parts.get(offset)!;
      whole = whole === undefined ? crc : combineCrc(kind, whole, crc, length);
    }
    // An empty object: no part brought a byte, and the CRC of nothing is 0.
    return crcText(kind, whole ?? 0n);
  }
}
