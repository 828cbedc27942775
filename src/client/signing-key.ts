import { deriveSigningKey, type KeyedHmac } from "./hmac.js";

/**
 * Signing keys kept: one per secret, day, region and service in use, so a few suffice; a
 * bound, because credentials rotate (hourly for temporary ones) and days pass. The oldest
 * goes first.
 */
const MAX_KEYS = 32;

const keys = new Map<string, Promise<KeyedHmac>>();

/**
 * The SigV4 signing key of `secret` for `day` (YYYYMMDD), `region` and `service`, derived once
 * and then reused: deriving it is four HMACs, signing with it one.
 */
export function signingKey(
  secret: string,
  day: string,
  region: string,
  service: string,
): Promise<KeyedHmac> {
  // Newlines cannot occur in a day, region or service name, so the parts cannot run together.
  const id = `${day}\n${region}\n${service}\n${secret}`;
  let key = keys.get(id);
  if (key === undefined) {
    key = deriveSigningKey(secret, day, region, service);
    keys.set(id, key);
    // A failed derivation (WebCrypto refusing) is not kept: the next URL tries again.
    key.catch(() => keys.delete(id));
    if (keys.size > MAX_KEYS) keys.delete(keys.keys().next().value as string);
  }
  return key;
}
