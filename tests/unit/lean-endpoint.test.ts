import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { objectPath, resolveBucketEndpoint } from "../../src/client/endpoint.js";
import { S3, type S3Options } from "../../src/index.js";
import { fakeCredentials } from "../helpers/fake-s3.js";

// The lean path resolves a bucket's endpoint once, with the SDK's own rules, and builds its
// URLs from it. For every kind of endpoint, the URL and the signing scope must be the ones the
// SDK itself sends: each case asks the SDK (its request caught before it leaves) and the lean
// path's resolution for the same bucket and key, and nothing goes on the network.

const made: S3[] = [];
afterEach(() => {
  for (const s3 of made.splice(0)) s3.close();
});

interface Where {
  protocol: string;
  hostname: string;
  port: string;
  path: string;
  region: string;
}

/** The URL and signing region of the SDK's own HeadObject for `key`, caught before it is sent. */
async function sdkSends(s3: S3, bucket: string, key: string): Promise<Where> {
  const command = new HeadObjectCommand({ Bucket: bucket, Key: key });
  let caught: Where | undefined;
  command.middlewareStack.add(
    () => async (args) => {
      const request = args.request as {
        protocol: string;
        hostname: string;
        port?: number;
        path: string;
        headers: Record<string, string>;
      };
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(request.headers.authorization ?? "");
      caught = {
        protocol: request.protocol,
        hostname: request.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: request.port === undefined ? "" : String(request.port),
        path: request.path,
        region: scope?.[1] ?? "",
      };
      throw new Error("caught");
    },
    { step: "finalizeRequest", priority: "low" },
  );
  await s3.client.send(command).catch(() => undefined);
  if (!caught) throw new Error("the SDK sent nothing");
  return caught;
}

/** The lean path's URL and signing region for `key`. */
async function leanSends(s3: S3, bucket: string, key: string): Promise<Where> {
  const endpoint = await resolveBucketEndpoint(s3.client, bucket);
  if (!endpoint) throw new Error("the lean path leaves this endpoint to the SDK");
  return {
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port,
    path: objectPath(endpoint, key),
    region: endpoint.signingRegion,
  };
}

/** A default port the SDK names and a URL leaves out is the same port. */
function samePort(where: Where): Where {
  const defaults: Record<string, string> = { "http:": "80", "https:": "443" };
  return { ...where, port: where.port === defaults[where.protocol] ? "" : where.port };
}

const ENDPOINTS: Array<[string, S3Options]> = [
  ["loopback, path-style", { endpoint: "http://127.0.0.1:9000" }],
  ["IPv6 loopback", { endpoint: "http://[::1]:9000/" }],
  ["https with its default port written out", { endpoint: "https://s3.example.com:443" }],
  ["http with its default port written out", { endpoint: "http://s3.example.com:80" }],
  ["a path of its own", { endpoint: "https://gw.example.com/s3/base/" }],
  [
    "a path of its own ending in /, virtual-hosted",
    { endpoint: "https://gw.example.com/s3/base/", forcePathStyle: false },
  ],
  [
    "virtual-hosted on a custom domain",
    { endpoint: "https://s3.example.com", forcePathStyle: false },
  ],
  ["AWS in eu-west-1", { region: "eu-west-1", endpoint: undefined }],
  [
    "AWS in us-east-1, path-style",
    { region: "us-east-1", endpoint: undefined, forcePathStyle: true },
  ],
  ["AWS in ap-southeast-2, a dotted bucket", { region: "ap-southeast-2", endpoint: undefined }],
];

describe("the lean path's URLs are the SDK's", () => {
  it.each(ENDPOINTS)("%s", async (label, options) => {
    const bucket = label.includes("dotted") ? "my.dotted.bucket" : "my-bucket";
    const s3 = new S3({
      region: "us-east-1",
      credentials: fakeCredentials,
      ...options,
    } as S3Options);
    made.push(s3);
    for (const key of ["k", "a/../b", "dir/ü +%2F?#"]) {
      expect(samePort(await leanSends(s3, bucket, key))).toEqual(
        samePort(await sdkSends(s3, bucket, key)),
      );
    }
  });
});
