import type { S3Client } from "@aws-sdk/client-s3";
import type { EndpointCache } from "../client/endpoint.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";
import { bucketEndpoint } from "./bucket-endpoint.js";
import {
  type PresignPostOptions,
  type PresignPostSettings,
  resolvePresignPostOptions,
} from "./presign-post-options.js";
import { type Identity, signingTime, signLocally } from "./sign-locally.js";
import { signPolicy } from "./sign-policy.js";

/**
 * A presigned POST form: post `fields` and then the `file` field, last, as multipart/form-data
 * to `url`. The store answers 204 on success (see `successActionStatus`).
 */
export interface PresignedPost {
  /** Where to post the form: the bucket's URL. */
  url: string;
  /**
   * The form fields to send as they are, before the file: `key`, one field per option given
   * (Content-Type, x-amz-meta-*, tagging…), the bucket, the signed `Policy` and its signature
   * fields (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Security-Token with temporary
   * credentials, X-Amz-Signature).
   */
  fields: Record<string, string>;
}

/** The form for `settings`: its fields, each pinned by a condition of the signed policy. */
async function signForm(
  client: S3Client,
  endpoints: EndpointCache,
  Bucket: string,
  { Key, fields, conditions, expiresIn }: PresignPostSettings,
  credentials: Identity,
): Promise<PresignedPost> {
  const exact = { ...fields, bucket: Bucket };
  const pinned = Object.entries(exact).map(([name, value]) => ({ [name]: value }));
  const now = signingTime(client);
  // The region the endpoint signs for, as presigned URLs use ("aws-global" signs us-east-1).
  const { url, signingRegion } = await bucketEndpoint(client, Bucket, Key, endpoints);
  const signed = await signPolicy(
    [...conditions, ...pinned],
    credentials,
    signingRegion,
    now,
    expiresIn,
  );
  return {
    url,
    fields: { key: Key, ...exact, ...signed.fields, Policy: signed.policy },
  };
}

/**
 * Refuses a form that cannot work: an anonymous S3 has nothing to sign its policy with, and
 * under requester pays S3 would refuse the form of anyone but the bucket's owner (S3 takes
 * the confirmation as the x-amz-request-payer header, which a browser's form cannot send,
 * and documents no form field for it), while the owner needs none.
 * @throws ValidationError for either.
 */
function checkSignable(scope: ScopeRef, Key: string): void {
  const operation = "presignPost";
  const why = scope.context.anonymous
    ? "an anonymous S3 has no credentials to sign the form's policy with"
    : scope.context.requestPayer
      ? "S3 takes the requester-pays confirmation only as the x-amz-request-payer header, which a browser's form cannot send; sign it as the bucket's owner (who needs none) from a scope with { defaults: { requestPayer: false } }, or use presign(key, { method: \"PUT\" }), whose URL carries it"
      : undefined;
  if (why !== undefined) {
    throw new ValidationError(`${operation}: ${why}`, {
      operation,
      bucket: scope.bucketName,
      key: Key,
    });
  }
}

/**
 * See Scope.presignPost: a policy-signed HTML form upload. `key` is relative to the scope (a
 * prefix with `keyStartsWith`). Each option becomes a condition of the policy (and a field
 * when it has one value); S3 refuses uploads that break them.
 * @throws ValidationError for a bad key or option, on an anonymous S3 or under requester pays
 * (see checkSignable); S3OperationError or AccessDeniedError when
 * credentials cannot be resolved.
 */
export async function presignPost(
  scope: ScopeRef,
  key: string,
  options: PresignPostOptions = {},
): Promise<PresignedPost> {
  const settings = resolvePresignPostOptions(scope, key, options, "presignPost");
  checkSignable(scope, settings.Key);
  const Bucket = scope.bucketName;
  return signLocally(
    scope,
    { operation: "presignPost", bucket: Bucket, key: settings.Key },
    settings.expiresIn,
    (client, credentials) =>
      signForm(client, scope.context.endpoints, Bucket, settings, credentials),
    settings.signal,
  );
}
