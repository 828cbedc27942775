/**
 * The CRCs S3 stores with objects (CRC-32, CRC-32C, CRC-64/NVME): reflected, starting from and
 * finally xored with all ones. Tables are built on first use (import stays cheap) and read 8
 * bytes at a time ("slicing by 8"); values cross the API as bigints so one code serves both
 * widths where speed does not matter (combining, encoding).
 */
export interface CrcKind {
  readonly width: 32 | 64;
  /** The polynomial, bit-reflected. */
  readonly poly: bigint;
  /** Slicing tables: 8 × 256 entries, low and high 32 bits (high all 0 for width 32). */
  tables?: { lo: Uint32Array; hi: Uint32Array };
  /** x^(2^k) mod poly for k = 0, 1, …, grown as combine needs (see powerOfX). */
  readonly squares: bigint[];
}

function crcKind(width: 32 | 64, poly: bigint): CrcKind {
  return { width, poly, squares: [] };
}

export const CRC32 = crcKind(32, 0xedb88320n);
export const CRC32C = crcKind(32, 0x82f63b78n);
export const CRC64NVME = crcKind(64, 0x9a6c9329ac4bc9b5n);

function tablesOf(kind: CrcKind): { lo: Uint32Array; hi: Uint32Array } {
  if (kind.tables) return kind.tables;
  const lo = new Uint32Array(8 * 256);
  const hi = new Uint32Array(8 * 256);
  const entries: bigint[] = [];
  for (let byte = 0; byte < 256; byte++) {
    let value = BigInt(byte);
    for (let bit = 0; bit < 8; bit++) value = value & 1n ? (value >> 1n) ^ kind.poly : value >> 1n;
    entries.push(value);
  }
  for (let slice = 0; slice < 8; slice++) {
    for (let byte = 0; byte < 256; byte++) {
      const previous = slice === 0 ? undefined : (entries[(slice - 1) * 256 + byte] as bigint);
      const value =
        previous === undefined
          ? (entries[byte] as bigint)
          : (previous >> 8n) ^ (entries[Number(previous & 0xffn)] as bigint);
      if (slice > 0) entries.push(value);
      lo[slice * 256 + byte] = Number(value & 0xffffffffn);
      hi[slice * 256 + byte] = Number(value >> 32n);
    }
  }
  kind.tables = { lo, hi };
  return kind.tables;
}

/** A running CRC: `update` with the bytes in order, then `value` (or `digest`). */
export class Crc {
  readonly kind: CrcKind;
  /** The register, inverted (the all-ones start and final xor folded in). */
  #lo = 0xffffffff;
  #hi: number;

  constructor(kind: CrcKind) {
    this.kind = kind;
    this.#hi = kind.width === 64 ? 0xffffffff : 0;
  }

  update(bytes: Uint8Array): this {
    const { lo: L, hi: H } = tablesOf(this.kind);
    let lo = this.#lo;
    let hi = this.#hi;
    let i = 0;
    const end8 = bytes.length - (bytes.length % 8);
    for (; i < end8; i += 8) {
      const a =
        lo ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
      // Width 64: the next 4 bytes meet the register's high half; width 32: nothing (hi is 0).
      const b =
        hi ^ (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24));
      const i7 = 1792 + (a & 0xff);
      const i6 = 1536 + ((a >>> 8) & 0xff);
      const i5 = 1280 + ((a >>> 16) & 0xff);
      const i4 = 1024 + (a >>> 24);
      const i3 = 768 + (b & 0xff);
      const i2 = 512 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      lo = L[i7]! ^ L[i6]! ^ L[i5]! ^ L[i4]! ^ L[i3]! ^ L[i2]! ^ L[i1]! ^ L[i0]!;
      hi = H[i7]! ^ H[i6]! ^ H[i5]! ^ H[i4]! ^ H[i3]! ^ H[i2]! ^ H[i1]! ^ H[i0]!;
    }
    for (; i < bytes.length; i++) {
      const index = (lo ^ bytes[i]!) & 0xff;
      lo = L[index]! ^ ((lo >>> 8) | (hi << 24));
      hi = H[index]! ^ (hi >>> 8);
    }
    this.#lo = lo >>> 0;
    this.#hi = hi >>> 0;
    return this;
  }

  /** The CRC of the bytes so far. */
  get value(): bigint {
    const mask = this.kind.width === 64 ? 0xffffffffffffffffn : 0xffffffffn;
    return ((BigInt(this.#hi) << 32n) | BigInt(this.#lo)) ^ mask;
  }
}

/** The CRC of `bytes` in one call. */
export function crcOf(kind: CrcKind, bytes: Uint8Array): bigint {
  return new Crc(kind).update(bytes).value;
}

/** a × b mod poly, in the reflected representation (the top bit is x^0). */
function multiply(kind: CrcKind, a: bigint, b: bigint): bigint {
  let m = 1n << BigInt(kind.width - 1);
  let product = 0n;
  let factor = b;
  for (; m !== 0n; m >>= 1n) {
    if (a & m) product ^= factor;
    factor = factor & 1n ? (factor >> 1n) ^ kind.poly : factor >> 1n;
  }
  return product;
}

/** x^(8 × bytes) mod poly: what shifting a register through `bytes` zero bytes multiplies by. */
function powerOfX(kind: CrcKind, bytes: number): bigint {
  const { squares } = kind;
  if (squares.length === 0) squares.push(1n << BigInt(kind.width - 2));
  let power = 1n << BigInt(kind.width - 1);
  let n = BigInt(bytes) * 8n;
  for (let k = 0; n > 0n; k++, n >>= 1n) {
    while (squares.length <= k) {
      const last = squares[squares.length - 1] as bigint;
      squares.push(multiply(kind, last, last));
    }
    if (n & 1n) power = multiply(kind, squares[k] as bigint, power);
  }
  return power;
}

/**
 * The CRC of A followed by B from the CRCs of each and B's length. Since these CRCs start
 * from and end xored with the same all-ones value, the two cancel: A's CRC shifted through
 * B's length in zero bytes, xored with B's CRC.
 */
export function combineCrc(
  kind: CrcKind,
  first: bigint,
  second: bigint,
  secondLength: number,
): bigint {
  if (secondLength === 0) return first;
  return multiply(kind, powerOfX(kind, secondLength), first) ^ second;
}

/** A CRC's value as S3 sends it before base64: big-endian, 4 or 8 bytes. */
export function crcBytes(kind: CrcKind, value: bigint): Uint8Array {
  const bytes = new Uint8Array(kind.width / 8);
  for (let i = bytes.length - 1, rest = value; i >= 0; i--, rest >>= 8n) {
    bytes[i] = Number(rest & 0xffn);
  }
  return bytes;
}
