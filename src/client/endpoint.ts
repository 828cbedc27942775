import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import { uriEncodeKey } from "./uri-encode.js";

/** Where a bucket's objects are and how requests to them are signed, per the SDK's rules. */
export interface BucketEndpoint {
  protocol: "http:" | "https:";
  hostname: string;
  /** Empty for the protocol's default port. */
  port: string;
  /** The path before the key, without a trailing "/": "/bucket" path-style, "" virtual-hosted. */
  basePath: string;
  /** What the Host header says: hostname, and port when not the default. */
  host: string;
  signingRegion: string;
  signingName: string;
}

interface AuthScheme {
  name?: string;
  signingName?: string;
  signingRegion?: string;
}

/**
 * The endpoint the SDK itself resolves for `bucket` (its endpoint rules with the client's
 * region, or `region` when given, and its endpoint, path-style, dual-stack and FIPS settings),
 * when its requests are signed with plain SigV4: undefined for anything else (S3 Express
 * directory buckets, multi-region access points signed with SigV4a, object lambdas), which
 * only the SDK's own path handles.
 */
export async function resolveBucketEndpoint(
  client: S3Client,
  bucket: string,
  region?: string,
): Promise<BucketEndpoint | undefined> {
  const config =
    region === undefined ? client.config : { ...client.config, region: async () => region };
  const resolved = await getEndpointFromInstructions({ Bucket: bucket }, HeadObjectCommand, config);
  const schemes = (resolved.properties?.authSchemes ?? []) as AuthScheme[];
  const [scheme] = schemes;
  if (scheme?.name !== "sigv4" || !scheme.signingRegion || !scheme.signingName) return undefined;
  const { url } = resolved;
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.search !== "" || url.username !== "" || url.password !== "") return undefined;
  return {
    protocol: url.protocol,
    // An IPv6 address without its URL brackets, as sockets take it.
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port,
    basePath: url.pathname.replace(/\/+$/, ""),
    host: url.host,
    signingRegion: scheme.signingRegion,
    signingName: scheme.signingName,
  };
}

/** The path of `key` at `endpoint`: each segment encoded, every "/" kept, dots as they are. */
export function objectPath(endpoint: BucketEndpoint, key: string): string {
  return `${endpoint.basePath}/${uriEncodeKey(key)}`;
}

/** How many buckets' endpoints are kept; the oldest is forgotten past it. */
const KEPT_BUCKETS = 1000;

/**
 * Resolved endpoints by bucket: resolving runs the SDK's rule engine, so once per bucket. It
 * also keeps the region of each bucket a store has redirected to another (see `moved`).
 */
export class EndpointCache {
  readonly #client: S3Client;
  readonly #known = new Map<string, Promise<BucketEndpoint | undefined>>();
  readonly #regions = new Map<string, string>();

  constructor(client: S3Client) {
    this.#client = client;
  }

  /** The endpoint of `bucket`; a failed resolution is not kept, so the next call tries again. */
  of(bucket: string): Promise<BucketEndpoint | undefined> {
    let endpoint = this.#known.get(bucket);
    if (endpoint === undefined) {
      endpoint = resolveBucketEndpoint(this.#client, bucket, this.#regions.get(bucket));
      endpoint.catch(() => this.#known.delete(bucket));
      this.#known.set(bucket, endpoint);
      forgetOldest(this.#known);
    }
    return endpoint;
  }

  /** The region a redirect said `bucket` is in, when one did. */
  regionOf(bucket: string): string | undefined {
    return this.#regions.get(bucket);
  }

  /**
   * Notes that `bucket` is in `region` (a store's redirect said so) and returns its endpoint
   * resolved for that region: on AWS the region's own host, with a custom endpoint the same
   * one, only signed for `region`. Every later request and presigned URL goes there at once.
   */
  moved(bucket: string, region: string): Promise<BucketEndpoint | undefined> {
    this.#regions.set(bucket, region);
    forgetOldest(this.#regions);
    this.#known.delete(bucket);
    return this.of(bucket);
  }
}

/** Forgets the oldest entry of `map` past KEPT_BUCKETS. */
function forgetOldest(map: Map<string, unknown>): void {
  if (map.size > KEPT_BUCKETS) map.delete(map.keys().next().value ?? "");
}
