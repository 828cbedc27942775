import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, expect, it } from "vitest";
import { S3 } from "../../src/index.js";

// The SDK's fetch handler (workerd, browsers) answers a GetObject with a web ReadableStream or a
// Blob, not a Node stream: every read must take those as they come, not as an empty body.
const s3Mock = mockClient(S3Client);
afterEach(() => s3Mock.reset());

const bytes = new TextEncoder().encode("read from a web body");

function webStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.subarray(0, 5));
      controller.enqueue(bytes.subarray(5));
      controller.close();
    },
  });
}

for (const [kind, body] of [
  ["a web ReadableStream", webStream],
  ["a Blob", () => new Blob([bytes])],
] as const) {
  it(`issue 10: a GetObject body that is ${kind} is read whole`, async () => {
    s3Mock.on(GetObjectCommand).callsFake(() => ({
      Body: body(),
      ContentLength: bytes.length,
      ETag: '"e"',
    }));
    const bucket = new S3({ client: new S3Client({ region: "us-east-1" }) }).bucket("b");
    expect(await bucket.getText("k")).toBe("read from a web body");
    const opened = await bucket.open("k");
    expect(await new Response(opened.body).text()).toBe("read from a web body");
  });
}
