import type { KeyedHmac } from "./hmac.js";

/** The same as hmac.ts where there is no node:crypto: WebCrypto, which every runtime of the web build has. */

const utf8 = new TextEncoder();
const HMAC = { name: "HMAC", hash: "SHA-256" };

function hex(bytes: ArrayBuffer): string {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += byte.toString(16).padStart(2, "0");
  return text;
}

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

async function hmacKey(key: ArrayBuffer | Uint8Array): Promise<HmacKey> {
  return crypto.subtle.importKey("raw", key, HMAC, false, ["sign"]);
}

/** See hmac.ts; the final key is imported once, so each signature is one WebCrypto call. */
export async function deriveSigningKey(
  secret: string,
  day: string,
  region: string,
  service: string,
): Promise<KeyedHmac> {
  let key: ArrayBuffer | Uint8Array = utf8.encode(`AWS4${secret}`);
  for (const part of [day, region, service, "aws4_request"]) {
    key = await crypto.subtle.sign("HMAC", await hmacKey(key), utf8.encode(part));
  }
  const signingKey = await hmacKey(key);
  return async (data) => hex(await crypto.subtle.sign("HMAC", signingKey, utf8.encode(data)));
}

/** See hmac.ts. */
export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", utf8.encode(text)));
}

/** See hmac.ts. */
export async function sha256Digest(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}
