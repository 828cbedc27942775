import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Client as MinioClient } from "minio";
import { S3mini } from "s3mini";
import type { Connection } from "../connection.js";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The installed version of a package (its package.json), for naming the peer. */
export function versionOf(name: string): string {
  const path = join(projectRoot, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

/** The raw SDK's name in tables. */
export const rawLibrary = () => `@aws-sdk/client-s3 ${versionOf("@aws-sdk/client-s3")}`;
/** minio-js's name in tables. */
export const minioLibrary = () => `minio-js ${versionOf("minio")}`;
/** s3mini's name in tables. */
export const s3miniLibrary = () => `s3mini ${versionOf("s3mini")}`;

/**
 * minio-js with the same endpoint, credentials and path style as s3kit's client. The region
 * is given, so it never asks the server for a bucket's location first.
 */
export function minioClient(connection: Connection): MinioClient {
  const url = new URL(connection.endpoint);
  return new MinioClient({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: url.protocol === "https:",
    accessKey: connection.accessKeyId,
    secretKey: connection.secretAccessKey,
    region: connection.region,
    pathStyle: true,
  });
}

/** s3mini for one bucket (its endpoint names the bucket). */
export function s3miniClient(connection: Connection, bucket: string): S3mini {
  return new S3mini({
    endpoint: `${connection.endpoint.replace(/\/$/, "")}/${bucket}`,
    region: connection.region,
    accessKeyId: connection.accessKeyId,
    secretAccessKey: connection.secretAccessKey,
  });
}
