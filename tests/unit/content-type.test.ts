import mime from "mime-types";
import { describe, expect, it } from "vitest";
import { defaultContentType, typeOfExtension } from "../../src/common/content-type.js";

/** What the default Content-Type of a binary body was with mime-types itself. */
function byMimeTypes(key: string): string {
  return mime.lookup(key) || "application/octet-stream";
}

/** A deterministic generator (mulberry32), so a failure names keys that can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("the default Content-Type of a key, without mime-types at run time", () => {
  it("knows every extension mime-types knows, with the same type (the generated table is current)", () => {
    const extensions = Object.entries(mime.types);
    expect(extensions.length).toBeGreaterThan(1000);
    const differing = extensions.filter(([ext, type]) => typeOfExtension(ext) !== type);
    expect(differing).toEqual([]);
    expect(typeOfExtension("no-such-extension")).toBeUndefined();
  });

  it("reads a key's extension as mime-types does: last segment, trailing slashes, leading dots, no dot", () => {
    const keys = [
      "a.json",
      "dir/b.PNG",
      "json",
      ".json",
      "dir/.bashrc",
      "dir/..json",
      "a.json/",
      "a.json//",
      "a.",
      "..",
      "...",
      "a..png",
      "dir.png/file",
      "",
      "archive.tar.gz",
      "ünïcode/ß.svg",
    ];
    for (const key of keys)
      expect([key, defaultContentType(key, "binary")]).toEqual([key, byMimeTypes(key)]);
  });

  it("agrees with mime-types on 20,000 keys made of dots, slashes and extension names", () => {
    const parts = ["a", ".", "/", "json", "PNG", "x", "..", "txt", "mp4", "-"];
    const next = random(20261202);
    const differing: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      let key = "";
      const length = Math.floor(next() * 8);
      for (let j = 0; j < length; j++) key += parts[Math.floor(next() * parts.length)];
      if (defaultContentType(key, "binary") !== byMimeTypes(key)) differing.push(key);
    }
    expect(differing).toEqual([]);
  });
});
