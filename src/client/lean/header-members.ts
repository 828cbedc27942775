/**
 * How an S3 input or output member travels as an HTTP header: its header name and how its
 * value is spelled. Only members whose spelling is the plain one (text, a number, a boolean,
 * an HTTP date) are listed: a command using any other member goes the SDK's way.
 */
export type HeaderKind = "text" | "number" | "boolean" | "date";

export interface HeaderMember {
  header: string;
  kind: HeaderKind;
}

const text = (header: string): HeaderMember => ({ header, kind: "text" });

/** Headers both ways, on writes and reads alike (as S3's API models them). */
const SHARED: Record<string, HeaderMember> = {
  CacheControl: text("cache-control"),
  ContentDisposition: text("content-disposition"),
  ContentEncoding: text("content-encoding"),
  ContentLanguage: text("content-language"),
  ContentLength: { header: "content-length", kind: "number" },
  ContentType: text("content-type"),
  ServerSideEncryption: text("x-amz-server-side-encryption"),
  SSEKMSKeyId: text("x-amz-server-side-encryption-aws-kms-key-id"),
  SSEKMSEncryptionContext: text("x-amz-server-side-encryption-context"),
  BucketKeyEnabled: { header: "x-amz-server-side-encryption-bucket-key-enabled", kind: "boolean" },
  StorageClass: text("x-amz-storage-class"),
  WebsiteRedirectLocation: text("x-amz-website-redirect-location"),
  ChecksumCRC32: text("x-amz-checksum-crc32"),
  ChecksumCRC32C: text("x-amz-checksum-crc32c"),
  ChecksumCRC64NVME: text("x-amz-checksum-crc64nvme"),
  ChecksumSHA1: text("x-amz-checksum-sha1"),
  ChecksumSHA256: text("x-amz-checksum-sha256"),
  ChecksumType: text("x-amz-checksum-type"),
  RequestCharged: text("x-amz-request-charged"),
};

/** Input members sent as headers by the requests the lean path makes. */
export const INPUT_HEADERS: Record<string, HeaderMember> = {
  ...SHARED,
  ACL: text("x-amz-acl"),
  ContentMD5: text("content-md5"),
  ChecksumAlgorithm: text("x-amz-sdk-checksum-algorithm"),
  ChecksumMode: text("x-amz-checksum-mode"),
  GrantFullControl: text("x-amz-grant-full-control"),
  GrantRead: text("x-amz-grant-read"),
  GrantReadACP: text("x-amz-grant-read-acp"),
  GrantWriteACP: text("x-amz-grant-write-acp"),
  IfMatch: text("if-match"),
  IfNoneMatch: text("if-none-match"),
  IfModifiedSince: { header: "if-modified-since", kind: "date" },
  IfUnmodifiedSince: { header: "if-unmodified-since", kind: "date" },
  Range: text("range"),
  RequestPayer: text("x-amz-request-payer"),
  ExpectedBucketOwner: text("x-amz-expected-bucket-owner"),
  Tagging: text("x-amz-tagging"),
  BypassGovernanceRetention: { header: "x-amz-bypass-governance-retention", kind: "boolean" },
  MFA: text("x-amz-mfa"),
  // s3kit sends a customer key already in base64 with its MD5 (see customerKeyParams), so
  // the lean path needs none of the SDK's ssec middleware, which encodes and hashes a raw one.
  SSECustomerAlgorithm: text("x-amz-server-side-encryption-customer-algorithm"),
  SSECustomerKey: text("x-amz-server-side-encryption-customer-key"),
  SSECustomerKeyMD5: text("x-amz-server-side-encryption-customer-key-md5"),
};

/** Output members read from response headers. */
export const OUTPUT_HEADERS: Record<string, HeaderMember> = {
  ...SHARED,
  AcceptRanges: text("accept-ranges"),
  ContentRange: text("content-range"),
  ETag: text("etag"),
  LastModified: { header: "last-modified", kind: "date" },
  // Both, as the SDK gives them: a copy carries Expires over from the source's HEAD.
  Expires: { header: "expires", kind: "date" },
  ExpiresString: text("expires"),
  DeleteMarker: { header: "x-amz-delete-marker", kind: "boolean" },
  Expiration: text("x-amz-expiration"),
  Restore: text("x-amz-restore"),
  VersionId: text("x-amz-version-id"),
  SSECustomerAlgorithm: text("x-amz-server-side-encryption-customer-algorithm"),
  SSECustomerKeyMD5: text("x-amz-server-side-encryption-customer-key-md5"),
  ReplicationStatus: text("x-amz-replication-status"),
  PartsCount: { header: "x-amz-mp-parts-count", kind: "number" },
  TagCount: { header: "x-amz-tagging-count", kind: "number" },
  MissingMeta: { header: "x-amz-missing-meta", kind: "number" },
  ObjectLockMode: text("x-amz-object-lock-mode"),
  ObjectLockLegalHoldStatus: text("x-amz-object-lock-legal-hold"),
  ArchiveStatus: text("x-amz-archive-status"),
  Size: { header: "x-amz-object-size", kind: "number" },
};

/** The prefix of user metadata headers (the `Metadata` member). */
export const METADATA_PREFIX = "x-amz-meta-";

/** A member's value as its header spells it. */
export function headerValue(value: unknown, kind: HeaderKind): string | undefined {
  if (kind === "date") return value instanceof Date ? value.toUTCString() : undefined;
  if (kind === "number") return typeof value === "number" ? String(value) : undefined;
  if (kind === "boolean") return typeof value === "boolean" ? String(value) : undefined;
  return typeof value === "string" ? value : undefined;
}

/** A header's value as the member it carries, undefined when it does not parse. */
export function memberValue(value: string, kind: HeaderKind): unknown {
  if (kind === "text") return value;
  if (kind === "boolean") return value === "true";
  if (kind === "number") {
    const number = Number(value);
    return value.trim() === "" || Number.isNaN(number) ? undefined : number;
  }
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}
