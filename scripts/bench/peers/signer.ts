import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Connection } from "../connection.js";

type Source = string | ArrayBuffer | ArrayBufferView;

function bytes(data: Source): Uint8Array | string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** SHA-256 (an HMAC when given a key) on node:crypto, in the shape the SDK's signer takes. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: Source) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined
      ? createHash("sha256")
      : createHmac("sha256", bytes(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** RFC 3986 escaping, as SigV4 canonicalises query values. */
function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The prototype of issue 11: one `SignatureV4` made once and reused for every URL (so its
 * signing-key cache is warm), presigning a path-style request the way the SDK's S3 presigner
 * prepares it (unsigned payload, host header), with no middleware stack.
 */
export function reusedSigner(
  connection: Connection,
  bucket: string,
): (method: "GET" | "PUT", key: string) => Promise<string> {
  const signer = new SignatureV4({
    service: "s3",
    region: connection.region,
    credentials: {
      accessKeyId: connection.accessKeyId,
      secretAccessKey: connection.secretAccessKey,
    },
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const url = new URL(connection.endpoint);
  const port = url.port ? Number(url.port) : undefined;
  return async (method, key) => {
    const path = `/${bucket}/${key.split("/").map(uriEscape).join("/")}`;
    const signed = await signer.presign(
      {
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port,
        path,
        query: {},
        headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      },
      { expiresIn: 3600 },
    );
    const query = Object.entries(signed.query ?? {})
      .map(([name, value]) => `${uriEscape(name)}=${uriEscape(String(value))}`)
      .join("&");
    return `${url.protocol}//${url.host}${path}?${query}`;
  };
}
