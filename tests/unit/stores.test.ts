import { describe, expect, it } from "vitest";
import { STORE_NAMES } from "../../scripts/stores/start-store.js";
import { CAPABILITIES, type Capability, STORES, skipReason } from "../helpers/stores.js";

describe("store profiles (tests/helpers/stores.ts)", () => {
  it("every store the suite can start has a profile naming only known capabilities", () => {
    expect(Object.keys(STORES).sort()).toEqual([...STORE_NAMES].sort());
    for (const [name, profile] of Object.entries(STORES)) {
      expect(profile.name).toBe(name);
      for (const capability of profile.lacks)
        expect(Object.keys(CAPABILITIES)).toContain(capability);
      expect(new Set(profile.lacks).size).toBe(profile.lacks.length);
    }
  });

  it("MinIO lacks only bucket CORS, which tests check either way instead of skipping", () => {
    expect(STORES.minio.lacks).toEqual(["bucketCors"]);
  });

  it("a skip names the store and the first capability it lacks", () => {
    const needed: Capability[] = ["versioning", "presignChecks", "signatures"];
    expect(skipReason(STORES.moto, needed)).toBe("moto lacks presign enforcement");
    expect(skipReason(STORES.s3rver, needed)).toBe("s3rver lacks versioning");
    expect(skipReason(STORES.minio, needed)).toBeUndefined();
    expect(skipReason(STORES.seaweedfs, [])).toBeUndefined();
  });
});
