import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Target } from "../client/context.js";
import { objectPath } from "../client/endpoint.js";
import { presignUrl } from "../client/presign-url.js";
import { REQUEST_PAYER_HEADER } from "../common/scope-context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { attachmentDisposition } from "./attachment-disposition.js";
import {
  type PresignOptions,
  type PresignSettings,
  resolvePresignOptions,
} from "./presign-options.js";
import { publicUrl } from "./public-url.js";
import { type Identity, signingTime, signLocally } from "./sign-locally.js";

/** Header names of request checksums, which a presigned URL must not carry. */
const CHECKSUM_HEADER = /^x-amz-(checksum-|sdk-checksum-algorithm$)/i;

/**
 * A build-step middleware removing the checksum headers the SDK adds when checksums are
 * "when-supported" (presigned, they would become query parameters holding the CRC32 of an
 * empty body, x-amz-checksum-crc32=AAAAAA==, and stores that check it refuse real uploads),
 * then setting the headers a PUT link signs.
 */
function presignHeaders(signed: Record<string, string>) {
  return <A extends { request: unknown }, R>(next: (args: A) => Promise<R>) =>
    (args: A): Promise<R> => {
      const headers = (args.request as { headers?: Record<string, string> }).headers;
      if (headers) {
        for (const name of Object.keys(headers))
          if (CHECKSUM_HEADER.test(name)) delete headers[name];
        Object.assign(headers, signed);
      }
      return next(args);
    };
}

const presignHeadersOptions = {
  step: "build",
  priority: "low",
  name: "s3kitPresignHeaders",
} as const;

/**
 * The query of a link besides its signature's: the operation, a GET's overrides and version,
 * and under requester pays its confirmation, signed, as a browser cannot send the header.
 */
function presignQuery(settings: PresignSettings, requestPayer: boolean): Record<string, string> {
  const payer: Record<string, string> = requestPayer ? { [REQUEST_PAYER_HEADER]: "requester" } : {};
  if (settings.method === "PUT") return { "x-id": "PutObject", ...payer };
  const query: Record<string, string> = { "x-id": "GetObject", ...payer };
  const { contentType, filename, versionId } = settings;
  if (contentType !== undefined) query["response-content-type"] = contentType;
  if (filename !== undefined)
    query["response-content-disposition"] = attachmentDisposition(filename);
  if (versionId !== undefined) query.versionId = versionId;
  return query;
}

/**
 * The link signed by presignUrl for the bucket's endpoint as the SDK resolves it (kept per
 * bucket), the same URL the SDK's presigner gives, without a command or its middleware;
 * undefined for an endpoint plain SigV4 does not sign (S3 Express, SigV4a, ARNs).
 */
async function presignDirect(
  scope: ScopeRef,
  Key: string,
  settings: PresignSettings,
  client: S3Client,
  credentials: Identity,
): Promise<string | undefined> {
  const endpoint = await scope.context.endpoints.of(scope.bucketName);
  if (endpoint === undefined) return undefined;
  return presignUrl({
    method: settings.method,
    protocol: endpoint.protocol,
    host: endpoint.host,
    path: objectPath(endpoint, Key),
    query: presignQuery(settings, scope.context.requestPayer === true),
    headers: settings.headers,
    expiresIn: settings.expiresIn,
    credentials,
    region: endpoint.signingRegion,
    service: endpoint.signingName,
    date: signingTime(client),
  });
}

/**
 * The link signed by the SDK's presigner: a command through the client's middleware (the
 * presigner moves its x-amz-request-payer header into the query, as presignQuery puts it).
 */
function presignWithSdk(scope: ScopeRef, client: S3Client, Key: string, settings: PresignSettings) {
  const signed = Object.keys(settings.headers);
  const payer = scope.context.requestPayer === true;
  return getSignedUrl(client, presignedCommand(scope.bucketName, Key, settings, payer), {
    expiresIn: settings.expiresIn,
    // The presigner signs no Content-Type by default, and moves x-amz-* headers into the
    // query; a link keeps each as a header its request must send, signed (a customer key's
    // never goes in the URL).
    signableHeaders: new Set(signed),
    unhoistableHeaders: new Set(signed.filter((name) => name.startsWith("x-amz-"))),
  });
}

/**
 * See Scope.presign, for a full key. Signing happens locally; the only possible I/O is
 * resolving credentials (the endpoint rules run once per bucket). Logs a warning when the
 * credentials expire before the URL would.
 * @throws ValidationError for a bad expiresIn, method, value or option combination;
 * S3OperationError or AccessDeniedError when credentials cannot be resolved.
 */
export async function presign(
  scope: ScopeRef,
  Key: string,
  options: PresignOptions = {},
): Promise<string> {
  const settings = resolvePresignOptions(options, "presign", scope.defaults);
  const target: Target = { operation: "presign", bucket: scope.bucketName, key: Key };
  if (scope.context.anonymous) return publicUrl(scope, Key, options, settings);
  return signLocally(
    scope,
    target,
    settings.expiresIn,
    async (client, credentials) =>
      (await presignDirect(scope, Key, settings, client, credentials)) ??
      presignWithSdk(scope, client, Key, settings),
    settings.signal,
  );
}

/** The GetObject or PutObject a URL is signed for, without the SDK's checksum parameters. */
function presignedCommand(
  Bucket: string,
  Key: string,
  settings: PresignSettings,
  requestPayer: boolean,
): GetObjectCommand | PutObjectCommand {
  const RequestPayer = requestPayer ? ("requester" as const) : undefined;
  if (settings.method === "PUT") {
    const command = new PutObjectCommand({ Bucket, Key, RequestPayer });
    command.middlewareStack.add(presignHeaders(settings.headers), presignHeadersOptions);
    return command;
  }
  const { contentType, filename, versionId } = settings;
  const command = new GetObjectCommand({
    Bucket,
    Key,
    RequestPayer,
    VersionId: versionId,
    ResponseContentType: contentType,
    ResponseContentDisposition:
      filename === undefined ? undefined : attachmentDisposition(filename),
  });
  command.middlewareStack.add(presignHeaders(settings.headers), presignHeadersOptions);
  return command;
}
