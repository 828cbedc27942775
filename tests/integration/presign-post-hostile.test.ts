import { describe, expect, it } from "vitest";
import { postForm, postStatus } from "../helpers/forms.js";
import { useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();

/** A file that runs a script when a browser renders it as HTML. */
const PAGE = "<!doctype html><script>document.title = 'pwned'</script><p>not an image";

/**
 * The type a browser takes from a Content-Type header: the last of its comma-separated values
 * that parses (Fetch's "extract a MIME type", which Chromium follows), without parameters.
 */
function browserType(header: string | null): string {
  const types = (header ?? "")
    .split(",")
    .map((value) => value.split(";")[0]?.trim().toLowerCase() ?? "")
    .filter((value) => /^[^/\s]+\/[^/\s]+$/.test(value));
  return types.at(-1) ?? "";
}

// A poster holding a form tries to store something a browser runs as a page, though the form
// was meant for images (or for files of the poster's naming).
describe("presignPost forms against a hostile poster", () => {
  it("a form limited to image/ types cannot make respond() serve the upload as HTML", async () => {
    const post = await t.bucket.presignPost("avatar", { contentType: { startsWith: "image/" } });
    // "image/png,text/html" starts with "image/", so the policy lets it through; browsers read
    // the last type of a comma list, text/html.
    const posted = await postStatus(post, new Blob([PAGE]), {
      "Content-Type": "image/png,text/html",
    });
    expect(posted.status).toBe(204);
    const response = await t.bucket.respond("avatar", new Request("http://app.example/avatar"));
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(browserType(response.headers.get("content-type"))).not.toBe("text/html");
  });

  it("a keyStartsWith form without contentType does not let the poster's file name choose text/html", async (context) => {
    needs(context, "postPolicy");
    const post = await t.bucket.prefix("uploads").presignPost("", { keyStartsWith: true });
    // No Content-Type field: MinIO then guesses the type from the key, which the poster names.
    const posted = await postForm(post, new Blob([PAGE]), "evil.html");
    expect(posted.status).toBe(204);
    await posted.arrayBuffer();
    const info = await t.bucket.head("uploads/evil.html");
    expect(info.contentType).not.toBe("text/html");
  });
});
