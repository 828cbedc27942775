import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { tolerateUserAgentFailure } from "../../src/client/user-agent.js";
import { fakeCredentials, fakeS3Client, useFakeS3 } from "../helpers/fake-s3.js";

const fakes = useFakeS3();
const stored = () => ({ status: 200, headers: { etag: '"e"' } });

describe("the user agent", () => {
  it("issue 10: on Node the SDK's own user agent goes out unchanged", async () => {
    const server = await fakes.start(stored);
    const s3 = fakeS3Client(server);
    await s3.bucket("b").put("k", "v");
    const agent = String(server.requests[0]?.headers["user-agent"]);
    expect(agent).toContain(`os/${process.platform}#`);
    expect(agent).toContain("md/nodejs#");
    s3.close();
  });

  it("issue 10: a user agent the SDK cannot make (Deno without --allow-sys) fails no request", async () => {
    const server = await fakes.start(stored);
    // What Deno answers the SDK's os.release() when --allow-sys was not granted.
    const refused = async (): Promise<never> => {
      throw new Error('NotCapable: Requires sys access to "osRelease"');
    };
    const client = new S3Client({
      endpoint: server.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: fakeCredentials,
      defaultUserAgentProvider: refused,
    });
    tolerateUserAgentFailure(client);
    for (const Key of ["a", "b"]) {
      await client.send(new PutObjectCommand({ Bucket: "b", Key, Body: "v" }));
    }
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.headers["user-agent"]).toMatch(/^aws-sdk-js ua\/2\.1 os\/other lang\/js/);
    }
    client.destroy();
  });
});
