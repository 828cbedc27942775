/** The credentials a POST policy is signed with. */
export interface PolicyCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The signed policy and the form fields that carry it. */
export interface SignedPolicy {
  /** The policy document, base64 (the form's `Policy` field). */
  policy: string;
  /** The signature fields: algorithm, credential, date, token when there is one, signature. */
  fields: Record<string, string>;
}

const utf8 = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

async function hmac(key: Uint8Array | ArrayBuffer, data: string): Promise<ArrayBuffer> {
  const algorithm = { name: "HMAC", hash: "SHA-256" };
  const cryptoKey = await crypto.subtle.importKey("raw", key, algorithm, false, ["sign"]);
  return crypto.subtle.sign("HMAC", cryptoKey, utf8.encode(data));
}

/** `date` as SigV4 writes it: 20250102T030405Z. */
function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, "");
}

/**
 * @internal Signs a POST policy with SigV4 (AWS4-HMAC-SHA256), as S3 checks a browser form:
 * the policy document in base64, signed with the key derived from the secret by an HMAC-SHA256
 * chain over the date, region, "s3" and "aws4_request". `conditions` must already hold one for
 * every form field but the signature's, whose conditions are added here. WebCrypto only, so it
 * runs wherever the core does.
 */
export async function signPolicy(
  conditions: readonly unknown[],
  credentials: PolicyCredentials,
  region: string,
  now: Date,
  expiresIn: number,
): Promise<SignedPolicy> {
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const fields: Record<string, string> = {
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": `${credentials.accessKeyId}/${day}/${region}/s3/aws4_request`,
    "X-Amz-Date": date,
  };
  if (credentials.sessionToken) fields["X-Amz-Security-Token"] = credentials.sessionToken;
  const expiration = new Date(now.getTime() + expiresIn * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");
  const document = {
    expiration,
    conditions: [
      ...conditions,
      ...Object.entries(fields).map(([name, value]) => ({ [name]: value })),
    ],
  };
  const policy = base64(utf8.encode(JSON.stringify(document)));
  let key: Uint8Array | ArrayBuffer = utf8.encode(`AWS4${credentials.secretAccessKey}`);
  for (const part of [day, region, "s3", "aws4_request"]) key = await hmac(key, part);
  fields["X-Amz-Signature"] = hex(await hmac(key, policy));
  return { policy, fields };
}
