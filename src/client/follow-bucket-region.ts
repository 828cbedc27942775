import type { S3Client } from "@aws-sdk/client-s3";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import type { Stack } from "./command-middleware.js";
import type { EndpointCache } from "./endpoint.js";
import { redirectRegion } from "./redirect-region.js";
import { withoutBudgetWrapper } from "./retry-budget.js";

/** What the middleware reads of the context the SDK runs a command in. */
interface RunContext {
  signing_region?: string;
  signing_service?: string;
  endpointV2?: { properties?: { authSchemes?: AuthScheme[] } };
  authSchemes?: AuthScheme[];
  __smithy_context?: {
    selectedHttpAuthScheme?: { httpAuthOption?: { signingProperties?: Record<string, unknown> } };
  };
}

interface AuthScheme {
  signingRegion?: string;
  signingName?: string;
  signingRegionSet?: string[];
  properties?: Record<string, unknown>;
}

/** The rest of a command's middleware, as the endpoint middleware calls it. */
type Next = (args: { input: object }) => Promise<unknown>;

/** A command as the middleware sees it: its input, and its class, which knows its endpoint. */
export interface RedirectedCommand {
  input: object;
  constructor: unknown;
}

/**
 * Makes `command` follow its bucket to another region, on the SDK's path as the lean one does
 * (see LeanTransport): a refusal naming the bucket's region (see redirectRegion) is remembered
 * in `endpoints` and the command is sent once more, costing no retry (RetryBudget gives its
 * attempt back); a command to a bucket whose region is remembered is signed for it, and sent
 * to its host, from the start.
 * Nothing of the client is changed, so concurrent commands to other buckets are left alone.
 */
export function followBucketRegion(
  stack: Stack,
  command: RedirectedCommand,
  client: S3Client,
  endpoints: EndpointCache,
): void {
  const bucket = (command.input as { Bucket?: unknown }).Bucket;
  if (typeof bucket !== "string") return;
  stack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (thrown) {
        const error = withoutBudgetWrapper(thrown);
        const signedFor = (context as RunContext).signing_region ?? (await client.config.region());
        const region = redirectRegion(error, signedFor);
        if (region === undefined) throw thrown;
        // Only the region is needed here; the endpoint it resolves is the lean path's.
        endpoints.moved(bucket, region).catch(() => undefined);
        // A spent budget ends the call (see RetryBudgetSpent); the region is learnt all the same.
        if (error !== thrown) throw thrown;
        return next(args);
      }
    },
    // In the place of the SDK's redirect, whose name it takes: that one swaps the shared
    // config's region while its request runs, remembers nothing, and follows no 400 but
    // HeadBucket's.
    { step: "initialize", priority: "normal", name: "regionRedirectMiddleware", override: true },
  );
  const pointed = (next: Next, context: object) => async (args: { input: object }) => {
    const region = endpoints.regionOf(bucket);
    const run = context as RunContext;
    if (region !== undefined && region !== run.signing_region) {
      const config = { ...client.config, region: async () => region };
      const endpoint = await getEndpointFromInstructions(
        args.input,
        command.constructor as never,
        config,
      );
      signFor(run, endpoint);
    }
    return next(args);
  };
  stack.addRelativeTo(pointed as never, {
    relation: "after",
    toMiddleware: "endpointV2Middleware",
    name: "s3kitBucketRegion",
    override: true,
  });
}

/**
 * Points the command at `endpoint` and has it signed as its auth scheme says, as the SDK's
 * endpoint middleware does with the endpoint it resolves.
 */
function signFor(context: RunContext, endpoint: RunContext["endpointV2"] & object): void {
  const [scheme] = endpoint.properties?.authSchemes ?? [];
  context.endpointV2 = endpoint;
  context.authSchemes = endpoint.properties?.authSchemes;
  if (scheme === undefined) return;
  context.signing_region = scheme.signingRegion;
  context.signing_service = scheme.signingName;
  const option = context.__smithy_context?.selectedHttpAuthScheme?.httpAuthOption;
  if (option === undefined) return;
  option.signingProperties = Object.assign(
    option.signingProperties ?? {},
    {
      signing_region: scheme.signingRegion,
      signingRegion: scheme.signingRegion,
      signing_service: scheme.signingName,
      signingName: scheme.signingName,
      signingRegionSet: scheme.signingRegionSet,
    },
    scheme.properties,
  );
}
