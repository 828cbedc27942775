import { base64 } from "../client/base64.js";
import { amzDate } from "../client/presign-url.js";
import { signingKey } from "../client/signing-key.js";

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

/**
 * @internal Signs a POST policy with SigV4 (AWS4-HMAC-SHA256), as S3 checks a browser form:
 * the policy document in base64, signed with the key derived from the secret by an HMAC-SHA256
 * chain over the date, region, "s3" and "aws4_request" (signingKey, shared with presigned
 * URLs). `conditions` must already hold one for every form field but the signature's, whose
 * conditions are added here.
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
  const sign = await signingKey(credentials.secretAccessKey, day, region, "s3");
  fields["X-Amz-Signature"] = await sign(policy);
  return { policy, fields };
}
