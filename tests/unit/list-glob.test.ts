import { describe, expect, it } from "vitest";
import { globPattern } from "../../src/common/glob-pattern.js";
import { type ObjectSummary, ValidationError } from "../../src/index.js";
import { useFakeS3 } from "../helpers/fake-s3.js";
import { bucketModel, operationOf } from "../helpers/s3-wire.js";

// Listing filters: the glob compiler on its own, then list({ glob, match }) on the wire, to
// see the Prefix and Delimiter each listing asks for (MinIO does not show its requests).

const fakes = useFakeS3();

const matches = (glob: string, name: string) => globPattern(glob, "list").regex.test(name);

describe("listing filters: glob semantics", () => {
  it.each([
    ["*.json", "a.json", true],
    ["*.json", "dir/a.json", false], // * stays within one segment
    ["*.json", ".json", true],
    ["*.json", "a.jsonl", false],
    ["**/*.json", "a.json", true], // ** as a segment: any directories, none included
    ["**/*.json", "x/y/z/a.json", true],
    ["2025/**/*.json", "2025/a.json", true],
    ["2025/**/*.json", "2025/01/02/a.json", true],
    ["2025/**/*.json", "2024/01/a.json", false],
    ["2025/**", "2025/01/a", true],
    ["2025/**", "2025", false],
    ["**", "any/thing\nwith a newline", true],
    ["a**b", "axxb", true], // ** inside a segment is *
    ["a**b", "a/b", false],
    ["?.txt", "a.txt", true],
    ["?.txt", "ab.txt", false],
    ["?.txt", "/.txt", false],
    ["?.txt", "😀.txt", true], // one character is one code point
    ["[abc].txt", "b.txt", true],
    ["[abc].txt", "d.txt", false],
    ["[a-c]x", "bx", true],
    ["[!a-c]x", "dx", true],
    ["[!a-c]x", "bx", false],
    ["[^a-c]x", "/x", false], // no class matches "/"
    ["[]]", "]", true],
    ["[a-]", "-", true],
    ["[\\]]", "]", true],
    ["a.b", "a.b", true], // regex metacharacters are literal
    ["a.b", "axb", false],
    ["(x)+[$]^|{1}.txt", "(x)+$^|{1}.txt", true],
    ["\\*.txt", "*.txt", true],
    ["\\*.txt", "a.txt", false],
    ["\\[a]", "[a]", true],
    ["été/*.md", "été/notes.md", true],
    ["[éü]", "ü", true],
  ])("%j matches %j: %s", (glob, name, expected) => {
    expect(matches(glob, name)).toBe(expected);
  });

  it("the literal start of a glob narrows the listing; ** or / make it deep", () => {
    expect(globPattern("2025/**/*.json", "list")).toMatchObject({ literal: "2025/", deep: true });
    expect(globPattern("logs-2025-0?.txt", "list")).toMatchObject({
      literal: "logs-2025-0",
      deep: false,
    });
    expect(globPattern("\\*x/[ab]", "list")).toMatchObject({ literal: "*x/", deep: true });
    expect(globPattern("*.json", "list")).toMatchObject({ literal: "", deep: false });
  });

  it.each([[""], ["[abc"], ["a\\"], ["[z-a]"], [5], [null], ["\ud800"]])(
    "a bad glob %j is a ValidationError",
    (glob) => {
      expect(() => globPattern(glob, "list")).toThrow(ValidationError);
    },
  );
});

describe("listing filters on the wire", () => {
  const keys = [
    "data/2024/01/a.json",
    "data/2025/01/a.json",
    "data/2025/01/b.csv",
    "data/2025/02/c.json",
    "data/2025.json",
    "data/top.json",
    "data/top.txt",
  ];

  async function serve() {
    const model = bucketModel(new Set(keys));
    const { s3, server } = await fakes.serve((request) => model(request) ?? { status: 204 });
    const listings = () =>
      server.requests
        .filter((r) => operationOf(r) === "ListObjectsV2")
        .map((r) => Object.fromEntries(new URL(r.url, "http://fake").searchParams));
    return { data: s3.bucket("b").prefix("data"), listings, server };
  }
  const names = (objects: ObjectSummary[]) => objects.map((object) => object.name);

  it("a glob's literal directory narrows the Prefix; names stay relative to the scope", async () => {
    const { data, listings } = await serve();
    expect(names(await data.list({ glob: "2025/**/*.json" }))).toEqual([
      "2025/01/a.json",
      "2025/02/c.json",
    ]);
    expect(listings()).toMatchObject([{ prefix: "data/2025/" }]);
    expect(listings()[0]?.delimiter).toBeUndefined();
  });

  it("a glob without / or ** lists one level (Delimiter /)", async () => {
    const { data, listings } = await serve();
    expect(names(await data.list({ glob: "*.json" }))).toEqual(["2025.json", "top.json"]);
    expect(listings()).toMatchObject([{ prefix: "data/", delimiter: "/" }]);
  });

  it("match sees each relative name and summary; with glob both must pass", async () => {
    const { data } = await serve();
    const seen: string[] = [];
    const match = (name: string, object: ObjectSummary) => {
      seen.push(`${name}=${object.key}`);
      return name.includes("a");
    };
    expect(names(await data.list({ glob: "**/*.json", match }))).toEqual([
      "2024/01/a.json",
      "2025/01/a.json",
    ]);
    expect(seen).toContain("2025/02/c.json=data/2025/02/c.json");
    expect(seen).not.toContain("2025/01/b.csv=data/2025/01/b.csv"); // the glob refused it first
    expect(names(await data.list({ match: (name) => name.endsWith(".txt") }))).toEqual(["top.txt"]);
  });

  it("limit counts the objects kept, and the pages ask for full pages", async () => {
    const { data, listings } = await serve();
    // Pages of 3 keys: the first holds 3 matches, the second the 4th ("." sorts before "/").
    expect(names(await data.list({ glob: "**/*.json", limit: 4, pageSize: 3 }))).toEqual([
      "2024/01/a.json",
      "2025.json",
      "2025/01/a.json",
      "2025/02/c.json",
    ]);
    expect(listings().map((query) => query["max-keys"])).toEqual(["3", "3"]);
  });

  it("bad glob or match, or a deep glob with recursive: false: ValidationError before any request", async () => {
    const { data, server } = await serve();
    const bad: object[] = [
      { glob: "[" },
      { glob: "" },
      { match: "*.json" },
      { glob: "2025/*.json", recursive: false },
      { glob: "**", recursive: false },
    ];
    for (const options of bad) {
      expect(() => data.iterList(options)).toThrow(ValidationError);
      await expect(data.list(options)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(server.requests).toEqual([]);
    // A one-level glob with recursive: false is fine.
    expect(names(await data.list({ glob: "top.*", recursive: false }))).toEqual([
      "top.json",
      "top.txt",
    ]);
  });
});
