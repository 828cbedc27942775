import type { S3Client } from "@aws-sdk/client-s3";
import { type ClientContext, request, type Target } from "../client/context.js";
import { log } from "../client/logger.js";
import type { ScopeRef } from "../common/scope-ref.js";

/** The credentials a client signs with. */
export type Identity = Awaited<ReturnType<S3Client["config"]["credentials"]>>;

/**
 * @internal The time a signature is made at: the client's clock, corrected for the skew the SDK
 * has seen in S3's answers, as it corrects every request it signs.
 */
export function signingTime(client: S3Client): Date {
  return new Date(Date.now() + (client.config.systemClockOffset ?? 0));
}

/**
 * Warns when the credentials expire before the URL would: S3 refuses a presigned URL once
 * the (temporary) credentials that signed it have expired, whatever its X-Amz-Expires says.
 */
async function checkCredentialLife(
  context: ClientContext,
  target: Target,
  expiresIn: number,
): Promise<Identity> {
  const identity = await context.client.config.credentials();
  // Signing locally sends no command, so nothing else registers these for a caller's client.
  context.secrets.addIdentity(identity);
  const expiration = identity.expiration;
  if (expiration && expiration.getTime() < Date.now() + expiresIn * 1000) {
    log(context.logger, "warn", "s3kit presigned URL outlives its credentials", {
      ...target,
      expiresIn,
      credentialsExpireAt: expiration.toISOString(),
    });
  }
  return identity;
}

/**
 * @internal Runs a local signing (`sign`: a presigned URL or POST valid for `expiresIn`
 * seconds) on the request path, so that resolving the credentials, its only possible I/O,
 * fails as an S3Error and obeys `signal`; warns when the credentials expire before the
 * signature would. `sign` gets the credentials resolved.
 */
export function signLocally<T>(
  scope: ScopeRef,
  target: Target,
  expiresIn: number,
  sign: (client: S3Client, identity: Identity) => Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  return request(
    scope.context,
    target,
    async (client) => {
      return sign(client, await checkCredentialLife(scope.context, target, expiresIn));
    },
    { signal },
  );
}
