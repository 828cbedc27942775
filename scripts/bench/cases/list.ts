import { paginateListObjectsV2 } from "@aws-sdk/client-s3";
import type { Fixture } from "../fixture.js";
import { rawLibrary } from "../peers/clients.js";
import type { BenchCase, Contender } from "../runner.js";
import { timed } from "../stats.js";

/**
 * A contender whose `list` collects every key of the listing bucket; only `list` is timed.
 * The keys must be exactly the seeded ones, in order.
 */
function lister(
  fixture: Fixture,
  label: string,
  list: (keys: string[]) => Promise<void>,
): Contender {
  return {
    label,
    async run() {
      const keys: string[] = [];
      const timing = await timed(() => list(keys));
      const expected = fixture.listKeys;
      const wrong = expected.findIndex((key, i) => keys[i] !== key);
      if (keys.length !== expected.length || wrong !== -1) {
        throw new Error(
          `${label}: listed ${keys.length} keys, expected ${expected.length}` +
            (wrong === -1 ? "" : `; key #${wrong} is ${keys[wrong]}, expected ${expected[wrong]}`),
        );
      }
      return { value: timing.ms, cpuMs: timing.cpuMs };
    },
  };
}

/** s3kit `for await (const o of bucket)` against the SDK's `paginateListObjectsV2`. */
export function listCase(fixture: Fixture): BenchCase {
  const { listBucket, raw } = fixture;
  return {
    title: `list ${fixture.config.keys} keys`,
    unit: "ms",
    warmUp: true,
    note: "s3kit asks for EncodingType=url and decodes every key (so keys XML cannot carry survive) and builds one summary per object; the peer reads the raw pages.",
    contenders: [
      {
        library: "s3kit",
        ...lister(fixture, "for await (bucket)", async (keys) => {
          for await (const object of listBucket) keys.push(object.key);
        }),
      },
      {
        library: rawLibrary(),
        ...lister(fixture, "paginateListObjectsV2", async (keys) => {
          for await (const page of paginateListObjectsV2(
            { client: raw },
            { Bucket: listBucket.name },
          )) {
            for (const object of page.Contents ?? []) keys.push(object.Key ?? "");
          }
        }),
      },
    ],
  };
}
