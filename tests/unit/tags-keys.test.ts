import { describe, expect, it } from "vitest";
import { useFakeS3 } from "../helpers/fake-s3.js";

const fakes = useFakeS3();

const TAGGING = `<?xml version="1.0" encoding="UTF-8"?><Tagging><TagSet><Tag><Key>__proto__</Key><Value>p</Value></Tag><Tag><Key>constructor</Key><Value>c</Value></Tag><Tag><Key>team</Key><Value>a</Value></Tag></TagSet></Tagging>`;

describe.each(["lean", "sdk"] as const)("getTags on the %s path", (transport) => {
  it("keeps every tag key S3 allows, __proto__ and constructor included, as own keys", async () => {
    const { s3 } = await fakes.serve(() => ({ status: 200, body: TAGGING }), { transport });
    const tags = await s3.bucket("b").getTags("k");
    expect(Object.keys(tags)).toEqual(["__proto__", "constructor", "team"]);
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(tags, "__proto__")?.value).toBe("p");
    expect(tags.constructor).toBe("c");
  });
});
