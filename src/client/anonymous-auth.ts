import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { NoAuthSigner } from "@smithy/core";

/** Smithy's scheme for operations sent without authentication. */
const NO_AUTH = "smithy.api#noAuth";

/**
 * @internal The S3Client settings of an anonymous S3: every operation is given the no-auth
 * scheme (its signer returns the request as it is: no Authorization, no X-Amz-* signing
 * headers), and the credentials are a provider that refuses, so that the SDK's chain (env,
 * profile, SSO, instance role) is never built nor asked, and anything that would sign fails
 * loudly instead.
 */
export function anonymousAuth(): Pick<
  S3ClientConfig,
  "credentials" | "httpAuthSchemes" | "httpAuthSchemeProvider"
> {
  return {
    credentials: () =>
      Promise.reject(new Error("this S3 is anonymous: it has no credentials to sign with")),
    httpAuthSchemes: [
      {
        schemeId: NO_AUTH,
        identityProvider: () => async () => ({}),
        signer: new NoAuthSigner(),
      },
    ],
    httpAuthSchemeProvider: () => [{ schemeId: NO_AUTH }],
  };
}
