import { afterEach, describe, expect, it, vi } from "vitest";
import { rejection } from "../helpers/assertions.js";
import {
  errorXml,
  type FakeReply,
  okText,
  type SeenRequest,
  useFakeS3,
} from "../helpers/fake-s3.js";
import { signedAt, slowDown, TRANSPORTS } from "../helpers/lean-calls.js";

// The lean path signs with the SDK's SigV4 signer, one instance reused. It must take what
// the SDK path takes: credentials that rotate (each attempt signed with the newest), and the
// clock of a server whose time is off (RequestTimeTooSkewed once, then requests signed at the
// server's time; its <ServerTime> when Date is unusable; never a cache's old Date).

const fakes = useFakeS3();
afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(TRANSPORTS)("credentials on the %s path", (transport) => {
  it("a provider whose credentials expire is asked again: each attempt is signed with the newest", async () => {
    let issued = 0;
    const credentials = async () => {
      issued += 1;
      return {
        accessKeyId: `AKIAROTATING0000${issued}`,
        secretAccessKey: `rotating-secret-${issued}-0123456789abcdef`,
        sessionToken: `rotating-token-${issued}-0123456789abcdef`,
        // Within the SDK's five-minute refresh window: every use asks the provider again.
        expiration: new Date(Date.now() + 60_000),
      };
    };
    const { server, s3 } = await fakes.serve(
      (_request, index) => (index === 1 ? slowDown : okText("ok")),
      { transport, credentials },
    );
    const bucket = s3.bucket("b");
    await bucket.getText("k");
    await bucket.getText("k");
    const signedWith = server.requests.map((request) => {
      const key = /Credential=(\w+)\//.exec(String(request.headers.authorization))?.[1];
      const token = String(request.headers["x-amz-security-token"]);
      expect(token.replace("rotating-token-", "").split("-")[0]).toBe(
        key?.replace("AKIAROTATING0000", ""),
      );
      return Number(key?.replace("AKIAROTATING0000", ""));
    });
    // Three requests (the second is a retry), each with credentials newer than the last.
    expect(signedWith).toHaveLength(3);
    expect(signedWith[1]).toBeGreaterThan(signedWith[0] as number);
    expect(signedWith[2]).toBeGreaterThan(signedWith[1] as number);
  });
});

/**
 * A store whose clock is `skew` ms off ours: it refuses requests signed more than 15 minutes
 * away from its time with `code` (its time as <ServerTime>, as S3 sends it),
 * and dates its answers with `date` (by default its own time).
 */
function skewedStore(
  skew: number,
  date: (now: number) => string = (now) => new Date(now).toUTCString(),
  code = "RequestTimeTooSkewed",
) {
  return (request: SeenRequest): FakeReply => {
    const now = Date.now() + skew;
    const headers = { date: date(now), etag: '"e1"' };
    if (Math.abs(signedAt(request) - now) > 15 * 60_000) {
      const body = `<Error><Code>${code}</Code><Message>The difference between the request time and the current time is too large.</Message><RequestTime>${request.headers["x-amz-date"]}</RequestTime><ServerTime>${new Date(now).toISOString()}</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>`;
      return { status: 403, headers, body };
    }
    if (request.method === "HEAD") return { status: 200, headers, contentLength: 2 };
    return okText("ok", headers);
  };
}

describe.each(TRANSPORTS)("a server whose clock is off, on the %s path", (transport) => {
  it.each([
    ["an hour ahead", 3_600_000],
    ["an hour behind", -3_600_000],
  ])(
    "%s: RequestTimeTooSkewed once, then every request signed at the server's time",
    async (_label, skew) => {
      const { server, s3 } = await fakes.serve(skewedStore(skew), { transport, maxRetries: 1 });
      const bucket = s3.bucket("b");
      expect(await bucket.getText("k")).toBe("ok");
      expect((await bucket.head("k")).etag).toBe('"e1"');
      expect((await bucket.put("k2", "x")).etag).toBe('"e1"');
      expect(server.requests.map((request) => request.method)).toEqual([
        "GET",
        "GET",
        "HEAD",
        "PUT",
      ]);
      for (const request of server.requests.slice(1)) {
        expect(Math.abs(signedAt(request) - (Date.now() + skew))).toBeLessThan(60_000);
      }
    },
  );

  it("a gateway that garbles Date: the offset comes from the error's <ServerTime>", async () => {
    const { server, s3 } = await fakes.serve(
      skewedStore(3_600_000, () => "not a date"),
      {
        transport,
        maxRetries: 1,
      },
    );
    expect(await s3.bucket("b").getText("k")).toBe("ok");
    expect(server.requests).toHaveLength(2);
  });

  it("an answer from a cache (Age) with an old Date does not move the clock", async () => {
    const hourAgo = new Date(Date.now() - 3_600_000).toUTCString();
    const { server, s3 } = await fakes.serve(
      (request, index) =>
        index === 0 ? okText("cached", { date: hourAgo, age: "3600" }) : skewedStore(0)(request),
      { transport, maxRetries: 0 },
    );
    const bucket = s3.bucket("b");
    expect(await bucket.getText("k")).toBe("cached");
    expect(await bucket.getText("k")).toBe("ok");
    expect(Math.abs(signedAt(server.requests[1] as SeenRequest) - Date.now())).toBeLessThan(60_000);
  });

  it("a store refusing the skew as SignatureDoesNotMatch: retried once the clock is corrected", async () => {
    const { server, s3 } = await fakes.serve(
      skewedStore(3_600_000, undefined, "SignatureDoesNotMatch"),
      { transport, maxRetries: 1 },
    );
    expect(await s3.bucket("b").getText("k")).toBe("ok");
    expect(server.requests).toHaveLength(2);
  });

  it("RequestTimeTooSkewed while the clocks agree: nothing to correct, so no retry", async () => {
    const { server, s3 } = await fakes.serve(
      () => ({ status: 403, body: errorXml("RequestTimeTooSkewed", "too skewed") }),
      { transport, maxRetries: 2 },
    );
    const error = await rejection(s3.bucket("b").getText("k"));
    expect(error).toMatchObject({ code: "RequestTimeTooSkewed", attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });
});
