import { describe, expect, it } from "vitest";
import { postFormInPage, useBrowserPage } from "../helpers/browser.js";
import { useTestBucket } from "../helpers/s3.js";

// The README's avatar recipe (presignPost with contentType { startsWith: "image/" }, files
// served by respond()) in headless Chromium, against a poster who wants a script to run on
// the app's origin.
describe("hostile uploads in headless Chromium", () => {
  const t = useTestBucket();
  const b = useBrowserPage(async (request) =>
    new URL(request.url).pathname === "/avatar" ? t.bucket.respond("avatar", request) : undefined,
  );

  it("an upload through an image/ form, served by respond(), runs no script on the app's origin", async () => {
    const form = await t.bucket.presignPost("avatar", { contentType: { startsWith: "image/" } });
    // The page names the type itself, as the README shows; this one starts with "image/".
    const fields = { ...form.fields, "Content-Type": "image/png,text/html" };
    const seen = await postFormInPage(
      b.page,
      { url: form.url, fields },
      {
        name: "avatar.png",
        type: "image/png",
        text: "<!doctype html><title>avatar</title><script>document.title = 'pwned'</script>",
      },
    );
    expect(seen.status).toBe(204);
    // Served as application/octet-stream, the upload is a download: Chromium aborts the
    // navigation and stays on the app's page, which must not have run the upload's script.
    const opened = await b.page.goto(`${b.app.url}avatar`).then(
      () => "shown",
      (error: Error) => error.message,
    );
    if (opened === "shown") {
      expect(await b.page.evaluate("document.contentType")).not.toBe("text/html");
    } else {
      expect(opened).toContain("ERR_ABORTED");
    }
    expect(await b.page.title()).not.toBe("pwned");
    const served = await b.page.evaluate(
      `fetch("/avatar").then((r) => [r.headers.get("content-type"), r.headers.get("x-content-type-options")])`,
    );
    expect(served).toEqual(["application/octet-stream", "nosniff"]);
  });
});
