import { afterEach, describe, expect, it, vi } from "vitest";
import { contentDisposition, S3, ValidationError } from "../../src/index.js";

const credentials = {
  accessKeyId: "AKIAEXAMPLEEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

/** Metadata whose one value is "ok" when first read, and a header injection on every later read. */
function shiftyMetadata(): Record<string, string> {
  let reads = 0;
  return {
    get note() {
      reads += 1;
      return reads === 1 ? "ok" : "ok\r\nx-amz-acl: public-read-write";
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("presign and presignPost with hostile input (signing is local: nothing is sent)", () => {
  it("presignPost signs for the region its endpoint is signed for, as presign does (aws-global: us-east-1)", async () => {
    const s3 = new S3({ region: "aws-global", credentials });
    const bucket = s3.bucket("example-bucket");
    const put = new URL(await bucket.presign("k", { method: "PUT" }));
    const post = await bucket.presignPost("k");
    const scope = (credential: string | null | undefined) => credential?.split("/")[2];
    // The SDK's presigner signs for the endpoint's signing region.
    expect(scope(put.searchParams.get("X-Amz-Credential"))).toBe("us-east-1");
    expect(post.url).toBe("https://example-bucket.s3.amazonaws.com/");
    expect(scope(post.fields["X-Amz-Credential"])).toBe("us-east-1");
    s3.close();
  });

  it("presignPost puts into the form the metadata values it checked: a value read twice cannot smuggle CR/LF", async () => {
    const s3 = new S3({ region: "us-east-1", credentials });
    const outcome = await s3
      .bucket("example-bucket")
      .presignPost("k", { metadata: shiftyMetadata() })
      .then(
        (post) => post.fields["x-amz-meta-note"],
        (error: unknown) => error,
      );
    expect(outcome === "ok" || outcome instanceof ValidationError, String(outcome)).toBe(true);
    s3.close();
  });

  it("presign signs the metadata values it checked: a value read twice cannot smuggle CR/LF", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2025, 0, 2, 3, 4, 5) });
    const s3 = new S3({ region: "us-east-1", credentials });
    const bucket = s3.bucket("example-bucket");
    const honest = await bucket.presign("k", { method: "PUT", metadata: { note: "ok" } });
    const shifty = await bucket
      .presign("k", { method: "PUT", metadata: shiftyMetadata() })
      .catch((error: unknown) => error);
    // Same time, same options as checked: the same URL (or a ValidationError), not a
    // signature over a header value with CR/LF in it.
    expect(shifty === honest || shifty instanceof ValidationError).toBe(true);
    s3.close();
  });

  it("contentDisposition of a name that is not valid Unicode fails as a ValidationError, not a URIError", () => {
    let outcome: unknown;
    try {
      outcome = contentDisposition("photo\ud800.png");
    } catch (error) {
      outcome = error;
    }
    expect(typeof outcome === "string" || outcome instanceof ValidationError, String(outcome)).toBe(
      true,
    );
  });
});
