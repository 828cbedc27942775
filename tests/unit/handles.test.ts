import { describe, expect, it } from "vitest";
import { S3 } from "../../src/index.js";
import { okText, useFakeS3 } from "../helpers/fake-s3.js";

// A handle may be wrapped (Vue `reactive()`, MobX observables, tracing proxies) or inherited
// from: the façade must not rely on private members, which a Proxy's receiver does not carry
// (a private method would throw TypeError "Receiver must be an instance of class Scope").

const credentials = {
  accessKeyId: "AKIAEXAMPLEEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

const fakes = useFakeS3();

describe("key methods on a handle that is not the Scope instance itself", () => {
  it("a Bucket behind a Proxy still presigns (a local signing, no request)", async () => {
    const s3 = new S3({ region: "us-east-1", credentials });
    const traced = new Proxy(s3.bucket("example-bucket"), {});
    const url = await traced.presign("report.csv");
    expect(new URL(url).hostname).toBe("example-bucket.s3.us-east-1.amazonaws.com");
    expect(new URL(url).pathname).toBe("/report.csv");
    s3.close();
  });

  it("a Prefix behind a Proxy still presigns under its path", async () => {
    const s3 = new S3({ region: "us-east-1", credentials });
    const traced = new Proxy(s3.bucket("example-bucket").prefix("logs"), {});
    const url = await traced.presign("a.txt", { method: "PUT" });
    expect(new URL(url).pathname).toBe("/logs/a.txt");
    s3.close();
  });

  it("an object inheriting from a Bucket (Object.create) still presigns", async () => {
    const s3 = new S3({ region: "us-east-1", credentials });
    const child = Object.create(s3.bucket("example-bucket")) as ReturnType<S3["bucket"]>;
    await expect(child.presign("k")).resolves.toMatch(/^https:\/\//);
    s3.close();
  });

  it("put and getText through a Proxy'd Bucket reach the store", async () => {
    const { server, s3 } = await fakes.serve((request) =>
      request.method === "PUT"
        ? { status: 200, headers: { etag: '"5d41402abc4b2a76b9719d911017c592"' } }
        : okText("hello"),
    );
    const traced = new Proxy(s3.bucket("b"), {});
    await expect(traced.put("k.txt", "hello")).resolves.toMatchObject({ key: "k.txt" });
    await expect(traced.getText("k.txt")).resolves.toBe("hello");
    expect(server.requests.map((request) => request.method)).toEqual(["PUT", "GET"]);
  });
});
