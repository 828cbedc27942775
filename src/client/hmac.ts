import * as nodeCrypto from "node:crypto";

/** HMAC-SHA256 of `data` under one fixed key, in lower-case hex. */
export type KeyedHmac = (data: string) => string | Promise<string>;

const { createHash, createHmac } = nodeCrypto;

/**
 * Node's one-shot hash (20.12 and later) where there is one: a quarter of the time of a
 * Hash object for a short text; older versions (the package supports 20.0) have only the latter.
 */
const oneShot = (nodeCrypto as { hash?: typeof nodeCrypto.hash }).hash;

/**
 * The SigV4 signing key of `secret` for one day, region and service (HMAC-SHA256 chained from
 * "AWS4" + secret over each of them and "aws4_request"), as the function that signs with it.
 * Node's synchronous HMAC: a presigned URL costs a few microseconds, where WebCrypto's
 * asynchronous one queues each step on the thread pool.
 */
export function deriveSigningKey(
  secret: string,
  day: string,
  region: string,
  service: string,
): Promise<KeyedHmac> {
  let key: Buffer = Buffer.from(`AWS4${secret}`, "utf8");
  for (const part of [day, region, service, "aws4_request"]) {
    key = createHmac("sha256", key).update(part, "utf8").digest();
  }
  const signingKey = key;
  return Promise.resolve((data) =>
    createHmac("sha256", signingKey).update(data, "utf8").digest("hex"),
  );
}

/** SHA-256 of `text` (UTF-8), in lower-case hex. */
export function sha256Hex(text: string): string | Promise<string> {
  return oneShot
    ? oneShot("sha256", text, "hex")
    : createHash("sha256").update(text, "utf8").digest("hex");
}

/** SHA-256 of `bytes`, raw (32 bytes). */
export function sha256Digest(bytes: Uint8Array): Uint8Array | Promise<Uint8Array> {
  return createHash("sha256").update(bytes).digest();
}
