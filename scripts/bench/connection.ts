import { S3Client } from "@aws-sdk/client-s3";
import { S3 } from "../../src/index.js";

/** Where the S3 server is and how to sign for it. */
export interface Connection {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The s3kit contender, configured explicitly the way s3kit configures itself for a custom
 * endpoint (path style, checksums only when required), so both sides match `rawClient`;
 * on the lean request path unless `transport` says "sdk".
 */
export function kitS3(connection: Connection, transport: "lean" | "sdk" = "lean"): S3 {
  return new S3({
    transport,
    endpoint: connection.endpoint,
    region: connection.region,
    credentials: {
      accessKeyId: connection.accessKeyId,
      secretAccessKey: connection.secretAccessKey,
    },
    forcePathStyle: true,
    checksums: "when-required",
  });
}

/**
 * The raw SDK peer with the same endpoint, credentials, path style and checksum settings as
 * `kitS3`, so a difference in the numbers comes from the code path, not the configuration.
 * (s3kit also installs its own retry strategy; it only acts on failures.)
 */
export function rawClient(connection: Connection): S3Client {
  return new S3Client({
    endpoint: connection.endpoint,
    region: connection.region,
    credentials: {
      accessKeyId: connection.accessKeyId,
      secretAccessKey: connection.secretAccessKey,
    },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}
