import {
  GetBucketVersioningCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  ObjectNotFoundError,
  PreconditionFailedError,
  ValidationError,
  type VersionSummary,
} from "../../src/index.js";
import { useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();

async function collect(versions: AsyncIterable<VersionSummary>): Promise<VersionSummary[]> {
  const found: VersionSummary[] = [];
  for await (const version of versions) found.push(version);
  return found;
}

/** A versioned bucket holding three versions of "docs/a.txt" and one of "docs/b.txt". */
async function history() {
  await t.bucket.setVersioning(true);
  const docs = t.bucket.prefix("docs");
  const v1 = await docs.put("a.txt", "one", { metadata: { n: "1" }, tags: { n: "1" } });
  const v2 = await docs.put("a.txt", "two", { metadata: { n: "2" } });
  const v3 = await docs.put("a.txt", "three");
  const b = await docs.put("b.txt", "bee");
  return { docs, ids: [v1, v2, v3, b].map((written) => written.versionId as string) };
}

describe("versions", () => {
  it("setVersioning and versioning: off, enabled, suspended", async (context) => {
    needs(context, "versioning");
    expect(await t.bucket.versioning()).toBe("off");
    await t.bucket.setVersioning(true);
    expect(await t.bucket.versioning()).toBe("enabled");
    const raw = await t.raw.send(new GetBucketVersioningCommand({ Bucket: t.bucket.name }));
    expect(raw.Status).toBe("Enabled");
    await t.bucket.setVersioning(false);
    expect(await t.bucket.versioning()).toBe("suspended");
    // @ts-expect-error: a string is no boolean
    await expect(t.bucket.setVersioning("Enabled")).rejects.toThrow(ValidationError);
  });

  it("versions() lists every version and delete marker under the scope, newest first per key", async (context) => {
    needs(context, "versioning");
    const { docs, ids } = await history();
    await docs.delete("b.txt");
    await t.bucket.put("other.txt", "outside the scope");
    const listed = await collect(docs.versions());
    expect(listed.map((v) => [v.name, v.isDeleteMarker, v.isLatest])).toEqual([
      ["a.txt", false, true],
      ["a.txt", false, false],
      ["a.txt", false, false],
      ["b.txt", true, true],
      ["b.txt", false, false],
    ]);
    expect(listed.slice(0, 3).map((v) => v.versionId)).toEqual([ids[2], ids[1], ids[0]]);
    expect(listed[0]).toMatchObject({ key: "docs/a.txt", size: 5, storageClass: "STANDARD" });
    expect(listed[0]?.etag).toMatch(/^".+"$/);
    expect(listed[0]?.lastModified).toBeInstanceOf(Date);
    expect(listed[3]).toMatchObject({ size: 0, etag: undefined });
    // One key only, a page at a time, a limit, and keys after startAfter.
    const one = await collect(docs.versions({ key: "a.txt", pageSize: 1 }));
    expect(one.map((v) => v.versionId)).toEqual([ids[2], ids[1], ids[0]]);
    expect(await collect(docs.versions({ limit: 2 }))).toHaveLength(2);
    const after = await collect(docs.versions({ startAfter: "a.txt" }));
    expect(after.map((v) => v.name)).toEqual(["b.txt", "b.txt"]);
    expect(() => docs.versions({ key: "a.txt", startAfter: "a" })).toThrow(ValidationError);
  });

  it("versions({ key }) lists that key only, not keys it is a prefix of", async (context) => {
    needs(context, "versioning");
    await t.bucket.setVersioning(true);
    await t.bucket.put("k", "1");
    await t.bucket.put("k", "2");
    await t.bucket.put("k/inner", "x");
    await t.bucket.put("k2", "x");
    const listed = await collect(t.bucket.versions({ key: "k", pageSize: 1 }));
    expect(listed.map((v) => v.key)).toEqual(["k", "k"]);
  });

  it("every read, head, tag and link takes versionId and gets that version", async (context) => {
    needs(context, "versioning");
    const { docs, ids } = await history();
    const v1 = ids[0] as string;
    expect(await docs.getText("a.txt", { versionId: v1 })).toBe("one");
    expect(await docs.getText("a.txt")).toBe("three");
    expect(await docs.head("a.txt", { versionId: v1 })).toMatchObject({
      versionId: v1,
      metadata: { n: "1" },
      contentLength: 3,
    });
    expect(await docs.exists("a.txt", { versionId: v1 })).toBe(true);
    const lines: string[] = [];
    for await (const line of docs.lines("a.txt", { versionId: v1 })) lines.push(line);
    expect(lines).toEqual(["one"]);
    const opened = await docs.open("a.txt", { versionId: v1 });
    expect(opened.status).toBe(200);
    if (opened.status === 200) expect(await new Response(opened.body).text()).toBe("one");
    const served = await docs.respond("a.txt", new Request("http://x/a.txt"), { versionId: v1 });
    expect(await served.text()).toBe("one");
    const url = await docs.presign("a.txt", { versionId: v1 });
    expect(await (await fetch(url)).text()).toBe("one");
    expect(await docs.getTags("a.txt", { versionId: v1 })).toEqual({ n: "1" });
    await docs.setTags("a.txt", { old: "yes" }, { versionId: v1 });
    expect(await docs.getTags("a.txt", { versionId: v1 })).toEqual({ old: "yes" });
    expect(await docs.getTags("a.txt")).toEqual({});
    for (const bad of ["", "a\nb", "\u0000"]) {
      await expect(docs.getText("a.txt", { versionId: bad })).rejects.toThrow(ValidationError);
      await expect(docs.delete("a.txt", { versionId: bad })).rejects.toThrow(ValidationError);
      await expect(docs.getTags("a.txt", { versionId: bad })).rejects.toThrow(ValidationError);
      await expect(docs.restore("a.txt", { versionId: bad })).rejects.toThrow(ValidationError);
      await expect(docs.copy("a.txt", "c.txt", { sourceVersionId: bad })).rejects.toThrow(
        ValidationError,
      );
    }
  });

  it("a missing version is ObjectNotFoundError for reads, and exists() says false", async (context) => {
    needs(context, "versioning");
    const { docs } = await history();
    const missing = "00000000-0000-0000-0000-000000000000";
    await expect(docs.getText("a.txt", { versionId: missing })).rejects.toThrow(
      ObjectNotFoundError,
    );
    expect(await docs.exists("a.txt", { versionId: missing })).toBe(false);
  });

  it("copy({ sourceVersionId }) copies that version, single and multipart", async (context) => {
    needs(context, "versioning", "uploadPartCopy");
    const { docs, ids } = await history();
    const v1 = ids[0] as string;
    const copied = await docs.copy("a.txt", "copy.txt", { sourceVersionId: v1 });
    expect(await docs.getText("copy.txt")).toBe("one");
    expect(await docs.head("copy.txt")).toMatchObject({ metadata: { n: "1" } });
    expect(copied.versionId).toBeDefined();
    const big = new Uint8Array(6 * 1024 * 1024).fill(7);
    const first = await docs.put("big.bin", big, { tags: { big: "1" } });
    await docs.put("big.bin", "small now");
    await docs.copy("big.bin", "big-copy.bin", {
      sourceVersionId: first.versionId as string,
      copyThreshold: 5 * 1024 * 1024,
      partSize: 5 * 1024 * 1024,
    });
    expect((await docs.getBytes("big-copy.bin")).length).toBe(big.length);
    expect(await docs.getTags("big-copy.bin")).toEqual({ big: "1" });
    await expect(
      docs.copy("a.txt", "x.txt", { sourceVersionId: "00000000-0000-0000-0000-000000000000" }),
    ).rejects.toThrow(/version 00000000/);
    await expect(
      // @ts-expect-error: move has no sourceVersionId
      docs.move("a.txt", "moved.txt", { sourceVersionId: v1 }),
    ).rejects.toThrow(ValidationError);
  });

  it("restore() undeletes: removes the delete markers on top, then the object reads again", async (context) => {
    needs(context, "versioning");
    const { docs, ids } = await history();
    await docs.delete("a.txt");
    // AWS adds a second delete marker; MinIO does not over one that is latest already.
    await docs.delete("a.txt");
    expect(await docs.exists("a.txt")).toBe(false);
    const markers = (await collect(docs.versions({ key: "a.txt" })))
      .filter((version) => version.isDeleteMarker)
      .map((version) => version.versionId);
    const result = await docs.restore("a.txt");
    expect(result).toMatchObject({ key: "docs/a.txt", name: "a.txt", restored: "undeleted" });
    expect(result.versionId).toBe(ids[2]);
    expect(result.deleteMarkers).toEqual(markers);
    expect(await docs.getText("a.txt")).toBe("three");
    const again = await docs.restore("a.txt");
    expect(again).toMatchObject({ restored: "already-current", versionId: ids[2] });
    await expect(docs.restore("never.txt")).rejects.toThrow(ObjectNotFoundError);
  });

  it("restore({ versionId }) copies that version back as the latest, metadata and tags kept", async (context) => {
    needs(context, "versioning");
    const { docs, ids } = await history();
    const v1 = ids[0] as string;
    const result = await docs.restore("a.txt", { versionId: v1 });
    expect(result.restored).toBe("copied");
    expect(result.versionId).not.toBe(v1);
    expect(await docs.getText("a.txt")).toBe("one");
    const head = await t.raw.send(
      new HeadObjectCommand({ Bucket: t.bucket.name, Key: "docs/a.txt" }),
    );
    expect(head.Metadata).toEqual({ n: "1" });
    expect(head.VersionId).toBe(result.versionId);
    expect(await docs.getTags("a.txt")).toEqual({ n: "1" });
    const listed = await collect(docs.versions({ key: "a.txt" }));
    expect(listed).toHaveLength(4);
    // The latest already: nothing to do.
    const same = await docs.restore("a.txt", { versionId: result.versionId as string });
    expect(same.restored).toBe("already-current");
    // Deleted, then a version brought back over the delete marker.
    await docs.delete("b.txt");
    const b = await docs.restore("b.txt", { versionId: ids[3] as string });
    expect(b.restored).toBe("copied");
    expect(await docs.getText("b.txt")).toBe("bee");
    await expect(
      docs.restore("a.txt", { versionId: "00000000-0000-0000-0000-000000000000" }),
    ).rejects.toThrow(ObjectNotFoundError);
  });

  it("restore({ versionId }) never loses a version written after it looked", async (context) => {
    needs(context, "versioning");
    const { docs, ids } = await history();
    let racer: string | undefined;
    t.s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        // After restore listed the latest version, another writer adds a newer one.
        if (context.commandName === "CopyObjectCommand" && racer === undefined) {
          const Bucket = t.bucket.name;
          const put = new PutObjectCommand({ Bucket, Key: "docs/a.txt", Body: "racer" });
          racer = (await t.raw.send(put)).VersionId;
        }
        return next(args);
      },
      { step: "initialize", name: "racingWriter" },
    );
    const outcome = await docs
      .restore("a.txt", { versionId: ids[0] as string })
      .catch((error: unknown) => error);
    const listed = await collect(docs.versions({ key: "a.txt" }));
    // The racer's version is kept either way: AWS refuses the copy (If-Match on the ETag
    // listed as latest); MinIO ignores If-Match on CopyObject and copies over it, as a newer
    // version, so the racer's stays in the history.
    expect(listed.map((version) => version.versionId)).toContain(racer);
    if (outcome instanceof PreconditionFailedError) {
      expect(await docs.getText("a.txt")).toBe("racer");
    } else {
      expect(outcome).toMatchObject({ restored: "copied" });
      expect(listed[1]?.versionId).toBe(racer);
    }
  });

  it("restore({ versionId }) of a delete marker is ObjectNotFoundError", async (context) => {
    needs(context, "versioning");
    const { docs } = await history();
    await docs.delete("a.txt");
    const [marker] = await collect(docs.versions({ key: "a.txt", limit: 1 }));
    expect(marker?.isDeleteMarker).toBe(true);
    await docs.put("a.txt", "four");
    await expect(docs.restore("a.txt", { versionId: marker?.versionId as string })).rejects.toThrow(
      ObjectNotFoundError,
    );
  });

  it("delete({ versionId }) removes that version for good", async (context) => {
    needs(context, "versioning");
    const { docs, ids } = await history();
    await docs.delete("a.txt", { versionId: ids[2] as string });
    expect(await docs.getText("a.txt")).toBe("two");
    expect(await collect(docs.versions({ key: "a.txt" }))).toHaveLength(2);
  });
});
