/**
 * MD5 (RFC 1321) of a few bytes, synchronously: what S3 wants of an SSE-C key
 * (x-amz-server-side-encryption-customer-key-MD5). Not for long inputs nor for security: the
 * key is checked against it by the store, nothing more. Own code because Web Crypto has no
 * MD5 and the client's MD5 is asynchronous, while keys are checked before any request.
 */

/** The per-step left rotations, four per round. */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/** The sine table: floor(2^32 · |sin(i + 1)|). */
const SINES = Array.from({ length: 64 }, (_, i) => Math.floor(2 ** 32 * Math.abs(Math.sin(i + 1))));

/** The message padded to a multiple of 64 bytes, its bit length last (little-endian). */
function padded(bytes: Uint8Array): DataView {
  const length = Math.ceil((bytes.length + 9) / 64) * 64;
  const block = new Uint8Array(length);
  block.set(bytes);
  block[bytes.length] = 0x80;
  const view = new DataView(block.buffer);
  const bits = bytes.length * 8;
  view.setUint32(length - 8, bits >>> 0, true);
  view.setUint32(length - 4, Math.floor(bits / 2 ** 32), true);
  return view;
}

/** The round function and message word of step `i`. */
function mix(i: number, b: number, c: number, d: number): [number, number] {
  if (i < 16) return [(b & c) | (~b & d), i];
  if (i < 32) return [(d & b) | (~d & c), (5 * i + 1) % 16];
  if (i < 48) return [b ^ c ^ d, (3 * i + 5) % 16];
  return [c ^ (b | ~d), (7 * i) % 16];
}

/** The 16-byte MD5 digest of `bytes`. */
export function md5(bytes: Uint8Array): Uint8Array {
  const view = padded(bytes);
  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let offset = 0; offset < view.byteLength; offset += 64) {
    let [a, b, c, d] = state as [number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const [f, word] = mix(i, b, c, d);
      const sum = (a + f + (SINES[i] as number) + view.getUint32(offset + 4 * word, true)) | 0;
      const shift = SHIFTS[4 * Math.floor(i / 16) + (i % 4)] as number;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
    }
    state[0] = ((state[0] as number) + a) | 0;
    state[1] = ((state[1] as number) + b) | 0;
    state[2] = ((state[2] as number) + c) | 0;
    state[3] = ((state[3] as number) + d) | 0;
  }
  const digest = new DataView(new ArrayBuffer(16));
  for (let index = 0; index < 4; index++) digest.setUint32(4 * index, state[index] as number, true);
  return new Uint8Array(digest.buffer);
}
