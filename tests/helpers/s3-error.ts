import { S3ServiceException } from "@aws-sdk/client-s3";

/** An error as the SDK throws it for an S3 error answer, for a mocked client to reject with. */
export function s3Error(
  name: string,
  status: number,
  message = `${name} happened`,
): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message,
  });
}
