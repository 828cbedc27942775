import {
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { crc32Header } from "./crc32.js";
import {
  type HeaderMember,
  headerValue,
  INPUT_HEADERS,
  METADATA_PREFIX,
  memberValue,
  OUTPUT_HEADERS,
} from "./header-members.js";
import { taggingXml, tagSetOf } from "./tagging-xml.js";

/** An input member sent in the query string, by its query name. */
type QueryMembers = Record<string, string>;

/** How the lean path makes one S3 operation: the request from the input, the output from the answer. */
export interface LeanOperation {
  name: string;
  method: "GET" | "PUT" | "HEAD" | "DELETE";
  /** Input members sent as headers. */
  headers: Record<string, HeaderMember>;
  /** Input members sent in the query string. */
  query: QueryMembers;
  /** The query parameter naming a subresource ("tagging"), sent empty. */
  subresource?: string;
  /** Whether the input has a byte body (`Body`) and user metadata. */
  writes: boolean;
  /** Whether the answer's body is the output's `Body`; else it is read and dropped. */
  streams: boolean;
  /** An XML body made of input members (named in `bodyMembers`), sent with its CRC-32. */
  document?: { members: string[]; write(input: Record<string, unknown>): string };
  /** Reads the output members an answer's XML body carries. */
  parse?: (xml: string) => Record<string, unknown>;
}

function pick(names: string[]): Record<string, HeaderMember> {
  const members: Record<string, HeaderMember> = {};
  for (const name of names) {
    const member = INPUT_HEADERS[name];
    if (member === undefined) throw new Error(`no header member ${name}`);
    members[name] = member;
  }
  return members;
}

const CALLER = ["RequestPayer", "ExpectedBucketOwner"];
/** An SSE-C key, as s3kit always gives it: base64, with its MD5 (see INPUT_HEADERS). */
const CUSTOMER_KEY = ["SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5"];
const READ_CONDITIONS = ["IfMatch", "IfNoneMatch", "IfModifiedSince", "IfUnmodifiedSince"];
const CHECKSUMS = [
  "ChecksumCRC32",
  "ChecksumCRC32C",
  "ChecksumCRC64NVME",
  "ChecksumSHA1",
  "ChecksumSHA256",
];
const READ_QUERY: QueryMembers = {
  VersionId: "versionId",
  PartNumber: "partNumber",
  ResponseCacheControl: "response-cache-control",
  ResponseContentDisposition: "response-content-disposition",
  ResponseContentEncoding: "response-content-encoding",
  ResponseContentLanguage: "response-content-language",
  ResponseContentType: "response-content-type",
};

const read = (name: string, method: "GET" | "HEAD"): LeanOperation => ({
  name,
  method,
  headers: pick([...READ_CONDITIONS, "Range", "ChecksumMode", ...CUSTOMER_KEY, ...CALLER]),
  query: READ_QUERY,
  writes: false,
  streams: method === "GET",
});

/**
 * The operations the lean path makes, by command class. Every member it leaves out
 * (ChecksumAlgorithm, object-lock dates…) sends the command the SDK's way: those need the
 * SDK's own middleware (computing a checksum). Checksum values (s3kit computes them),
 * ChecksumMode (s3kit checks what it reads itself, see verifyBytes) and SSE-C keys (s3kit
 * gives them in base64 with their MD5 already) go as they are.
 */
export const LEAN_OPERATIONS = new Map<unknown, LeanOperation>([
  [
    PutObjectCommand,
    {
      name: "PutObject",
      method: "PUT",
      headers: pick([
        "ACL",
        "CacheControl",
        "ContentDisposition",
        "ContentEncoding",
        "ContentLanguage",
        "ContentLength",
        "ContentMD5",
        "ContentType",
        ...CHECKSUMS,
        "IfMatch",
        "IfNoneMatch",
        "GrantFullControl",
        "GrantRead",
        "GrantReadACP",
        "GrantWriteACP",
        "ServerSideEncryption",
        "StorageClass",
        "WebsiteRedirectLocation",
        "SSEKMSKeyId",
        "SSEKMSEncryptionContext",
        "BucketKeyEnabled",
        "Tagging",
        ...CUSTOMER_KEY,
        ...CALLER,
      ]),
      query: {},
      writes: true,
      streams: false,
    },
  ],
  [
    UploadPartCommand,
    {
      name: "UploadPart",
      method: "PUT",
      headers: pick(["ContentLength", "ContentMD5", ...CHECKSUMS, ...CUSTOMER_KEY, ...CALLER]),
      query: { PartNumber: "partNumber", UploadId: "uploadId" },
      writes: true,
      streams: false,
    },
  ],
  [GetObjectCommand, read("GetObject", "GET")],
  [HeadObjectCommand, read("HeadObject", "HEAD")],
  [
    GetObjectTaggingCommand,
    {
      name: "GetObjectTagging",
      method: "GET",
      headers: pick(CALLER),
      query: { VersionId: "versionId" },
      subresource: "tagging",
      writes: false,
      streams: false,
      parse: tagSetOf,
    },
  ],
  [
    PutObjectTaggingCommand,
    {
      name: "PutObjectTagging",
      method: "PUT",
      headers: pick(CALLER),
      query: { VersionId: "versionId" },
      subresource: "tagging",
      writes: false,
      streams: false,
      // S3 requires a checksum of this body; the SDK sends a CRC-32 by default.
      document: { members: ["Tagging"], write: (input) => taggingXml(input.Tagging) },
    },
  ],
  [
    DeleteObjectTaggingCommand,
    {
      name: "DeleteObjectTagging",
      method: "DELETE",
      headers: pick(CALLER),
      query: { VersionId: "versionId" },
      subresource: "tagging",
      writes: false,
      streams: false,
    },
  ],
  [
    DeleteObjectCommand,
    {
      name: "DeleteObject",
      method: "DELETE",
      headers: pick(["IfMatch", "MFA", "BypassGovernanceRetention", ...CALLER]),
      query: { VersionId: "versionId" },
      writes: false,
      streams: false,
    },
  ],
]);

/** The members every command of these has: where it goes, not what it carries. */
const LOCATION = new Set(["Bucket", "Key"]);

/**
 * Whether the lean path can make `operation` with `input`: every member given is one it
 * sends, and a body is bytes or text (a stream goes the SDK's way).
 */
export function leanCovers(operation: LeanOperation, input: Record<string, unknown>): boolean {
  if (typeof input.Bucket !== "string" || typeof input.Key !== "string") return false;
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || LOCATION.has(name)) continue;
    if (Object.hasOwn(operation.headers, name) || Object.hasOwn(operation.query, name)) continue;
    if (operation.document?.members.includes(name)) continue;
    if (!operation.writes || (name !== "Body" && name !== "Metadata")) return false;
  }
  const { Body } = input;
  return Body === undefined || typeof Body === "string" || Body instanceof Uint8Array;
}

/** The request headers of `input`, user metadata included. */
export function requestHeaders(
  operation: LeanOperation,
  input: Record<string, unknown>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, member] of Object.entries(operation.headers)) {
    const value = headerValue(input[name], member.kind);
    if (value !== undefined) headers[member.header] = value;
  }
  const metadata = input.Metadata as Record<string, string> | undefined;
  for (const [name, value] of Object.entries(metadata ?? {})) {
    headers[`${METADATA_PREFIX}${name.toLowerCase()}`] = value;
  }
  return headers;
}

/** The body of `input`: its bytes or text, or the document made of it. */
export function requestBody(
  operation: LeanOperation,
  input: Record<string, unknown>,
): Uint8Array | undefined {
  if (operation.document) return encoder.encode(operation.document.write(input));
  const { Body } = input;
  return typeof Body === "string" ? encoder.encode(Body) : (Body as Uint8Array | undefined);
}

const encoder = new TextEncoder();

/**
 * The headers of a document body, as the SDK sends them: its type, and the checksum S3
 * refuses one without (named as the SDK names the algorithm it chose).
 */
export function documentHeaders(
  operation: LeanOperation,
  body: Uint8Array | undefined,
): Record<string, string> {
  if (!operation.document || !body) return {};
  return {
    "content-type": "application/xml",
    "x-amz-sdk-checksum-algorithm": "CRC32",
    "x-amz-checksum-crc32": crc32Header(body),
  };
}

/** The query parameters of `input`, by their query names; a subresource first, empty. */
export function requestQuery(
  operation: LeanOperation,
  input: Record<string, unknown>,
): Record<string, string> {
  const query: Record<string, string> = {};
  if (operation.subresource) query[operation.subresource] = "";
  for (const [name, parameter] of Object.entries(operation.query)) {
    const value = input[name];
    if (value !== undefined) query[parameter] = String(value);
  }
  return query;
}

/** The output members by the header carrying them (Expires gives two), to read each header once. */
const OUTPUT_BY_HEADER = new Map<string, Array<{ name: string; member: HeaderMember }>>();
for (const [name, member] of Object.entries(OUTPUT_HEADERS)) {
  const members = OUTPUT_BY_HEADER.get(member.header) ?? [];
  members.push({ name, member });
  OUTPUT_BY_HEADER.set(member.header, members);
}

/** The output members an answer's headers carry, user metadata included. */
export function outputOf(headers: Record<string, string>): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  const metadata: Record<string, string> = {};
  for (const [header, raw] of Object.entries(headers)) {
    if (header.startsWith(METADATA_PREFIX)) {
      metadata[header.slice(METADATA_PREFIX.length)] = raw;
      continue;
    }
    for (const { name, member } of OUTPUT_BY_HEADER.get(header) ?? []) {
      const value = memberValue(raw, member.kind);
      if (value !== undefined) output[name] = value;
    }
  }
  output.Metadata = metadata;
  return output;
}
