import { GetObjectAclCommand, PutObjectAclCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { CANNED_ACLS } from "../../src/common/canned-acl.js";
import { testServer, useTestBucket } from "../helpers/s3.js";
import { storeHas, testStore } from "../helpers/stores.js";

// Item 10 of issue 13 against the store. MinIO takes x-amz-acl on PutObject,
// CreateMultipartUpload and CopyObject, every canned value, and ignores it: no object becomes
// public (an anonymous GET is still refused) and GetObjectAcl always shows the owner's
// FULL_CONTROL. PutObjectAcl and PutBucketAcl take only "private" (any other: 501
// NotImplemented), and PutBucketLogging is refused (400 MalformedXML), so the README's logging
// example is tested on the wire with fake-s3 (tests/unit/canned-acls.test.ts).

const t = useTestBucket();
const MiB = 1024 * 1024;

describe("canned ACLs", () => {
  it.each(CANNED_ACLS)(
    "put, upload in parts and copy with acl %s store the object",
    async (acl) => {
      await t.bucket.put("small", "x", { acl });
      await t.bucket.upload(new Uint8Array(6 * MiB).fill(7), "big", { acl, partSize: 5 * MiB });
      await t.bucket.copy("small", "copied", { acl });
      expect(await t.bucket.getText("copied")).toBe("x");
      expect((await t.bucket.head("big")).contentLength).toBe(6 * MiB);
    },
  );

  it("a scope default acl applies to every write under it", async () => {
    const assets = t.bucket.prefix("assets", { defaults: { acl: "public-read" } });
    await assets.put("logo.svg", "<svg/>");
    await assets.copy("logo.svg", "logo-2.svg");
    expect((await assets.list()).map((o) => o.name)).toEqual(["logo-2.svg", "logo.svg"]);
  });

  it("MinIO takes the acl and ignores it: a public-read object is not public there", async () => {
    await t.bucket.put("page.html", "<p>hi</p>", { acl: "public-read" });
    const anonymous = await fetch(`${testServer().endpoint}/${t.bucket.name}/page.html`);
    if (testStore().name === "minio") expect(anonymous.status).toBe(403);
    else expect([200, 403]).toContain(anonymous.status);
  });

  it("a presigned PUT with an acl is refused without the x-amz-acl header", async () => {
    const url = await t.bucket.presign("up", { method: "PUT", acl: "public-read" });
    const put = async (headers: Record<string, string>) =>
      (await fetch(url, { method: "PUT", body: "x", headers })).status;
    expect(await put({ "x-amz-acl": "public-read" })).toBe(200);
    if (!storeHas("presignChecks")) return;
    const refused = [await put({}), await put({ "x-amz-acl": "private" })];
    // MinIO: 400 for a signed header left out, 403 SignatureDoesNotMatch for another value.
    if (testStore().name === "minio") expect(refused).toEqual([400, 403]);
    else for (const status of refused) expect(status).toBeGreaterThanOrEqual(400);
  });
});

describe("canned ACLs: the client escape hatch (README example, run as written)", () => {
  it("reads and sets an object's ACL with s3.client", async () => {
    const { s3, bucket } = t;
    const bytes = new TextEncoder().encode("%PDF-1.7");
    // README: "Canned ACLs and the client escape hatch", first example, from here…
    await bucket.put("report.pdf", bytes);
    const { Owner, Grants } = await s3.client.send(
      new GetObjectAclCommand({ Bucket: bucket.name, Key: "report.pdf" }),
    );
    await s3.client.send(
      new PutObjectAclCommand({ Bucket: bucket.name, Key: "report.pdf", ACL: "private" }),
    );
    // …to here.
    expect(Owner).toBeDefined();
    expect(Grants?.map((grant) => grant.Permission)).toContain("FULL_CONTROL");
  });
});
