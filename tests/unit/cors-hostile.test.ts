import { describe, expect, it } from "vitest";
import { type CorsRule, ValidationError } from "../../src/index.js";
import { useFakeS3 } from "../helpers/fake-s3.js";

// setCors promises a ValidationError before any request for rules a store would refuse or no
// browser would match; these slip through to the wire.

const fakes = useFakeS3();
const origin = "https://app.example.com";

async function refusedBeforeSending(rules: unknown): Promise<void> {
  const { server, s3 } = await fakes.serve(() => ({ status: 200 }));
  const error = await s3
    .bucket("photos")
    .setCors(rules as CorsRule[])
    .catch((e: unknown) => e);
  expect(error, server.requests[0]?.body).toBeInstanceOf(ValidationError);
  expect(server.requests).toHaveLength(0);
}

describe("setCors with hostile rules", () => {
  it("an id holding control characters XML cannot carry is a ValidationError, not a raw byte in the XML", async () => {
    await refusedBeforeSending([{ origins: [origin], methods: ["GET"], id: "rule\u0000\u0001" }]);
  });

  it.each([
    ["a default port", "https://app.example.com:443"],
    ["user info", "https://user@app.example.com"],
    ["a query", "https://app.example.com?x=1"],
    ["a fragment", "https://app.example.com#top"],
  ])("an origin with %s, which no browser's Origin has, is a ValidationError", async (_, bad) => {
    await refusedBeforeSending([{ origins: [bad], methods: ["GET"] }]);
  });

  it("sparse arrays are a ValidationError, not rules without origins or an empty configuration", async () => {
    await refusedBeforeSending([{ origins: new Array<string>(1), methods: ["GET"] }]);
    await refusedBeforeSending(new Array<CorsRule>(2));
  });
});
