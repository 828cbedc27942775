import {
  type BigObject,
  bigBench,
  fileDownloader,
  streamReader,
  type Took,
} from "../big-object.js";
import { type Digest, drainStream } from "../files.js";
import type { Fixture } from "../fixture.js";
import { type ExternalPeers, peerContender, runS5cmd } from "../peers/external.js";
import { runPython } from "../peers/python-peer.js";
import type { BenchCase, Contender } from "../runner.js";
import { timed } from "../stats.js";

/** boto3's and obstore's download or stream, timed inside Python. */
function pythonContenders(
  peers: ExternalPeers,
  big: BigObject,
  op: "download" | "stream",
): Contender[] {
  const labels = {
    boto3: op === "download" ? "download_file (16 threads)" : "get_object → Body.iter_chunks()",
    obstore: op === "download" ? "get → file" : "get → stream()",
  };
  return (["boto3", "obstore"] as const).map((lib) =>
    peerContender(peers, lib, (tool) => {
      const task = { lib, op, bucket: big.bucket, key: big.key };
      if (op === "download") {
        return fileDownloader(big, labels[lib], tool.label, async (path) => {
          const report = await runPython(peers, tool.path, { ...task, path, hash: false });
          return { ms: report.seconds * 1000 };
        });
      }
      return streamReader(big, labels[lib], tool.label, async (hash) => {
        const report = await runPython(peers, tool.path, { ...task, path: "", hash });
        const read = { size: report.bytes ?? undefined, sha256: report.sha256 ?? undefined };
        return { ms: report.seconds * 1000, read };
      });
    }),
  );
}

/** `s5cmd cat` into this process (counted, hashed when deep), timed around the command. */
function s5cmdCat(peers: ExternalPeers, big: BigObject): Contender {
  return peerContender(peers, "s5cmd", (tool) =>
    streamReader(big, "s5cmd cat → pipe", tool.label, async (hash) => {
      let read: Partial<Digest> = {};
      const result = await runS5cmd(peers, tool.path, ["cat", `s3://${big.bucket}/${big.key}`], {
        consumeStdout: async (stdout) => {
          read = await drainStream(stdout, hash);
        },
      });
      return { ms: result.ms, read };
    }),
  );
}

/** download() and stream() of the big object: s3kit against s5cmd, boto3, obstore and warp's GET ceiling. */
export async function bigDownloadCases(fixture: Fixture): Promise<BenchCase[]> {
  const { big, peers, kit, ceiling } = await bigBench(fixture, "download");
  const { bucket } = fixture;
  const size = `${big.config.bigMiB} MiB`;
  const download: BenchCase = {
    title: `download ${size} to a file`,
    unit: "MiB/s",
    warmUp: true,
    note: `s3kit HEADs, fetches ${kit.partMiB} MiB ranges ${kit.concurrency} at once into a temp file, syncs it and renames it; s5cmd (its defaults: 50 MiB parts, 5 at once) and boto3 write the file in place without syncing; obstore streams one GET. s5cmd is timed around the command (its start-up included), the Python peers inside Python. warp: the server's GET throughput at s3kit's request size and concurrency.`,
    contenders: [
      fileDownloader(big, `bucket.download()${kit.suffix}`, "s3kit", (path) =>
        timed(() => bucket.download(big.key, path, kit.options)),
      ),
      peerContender(peers, "s5cmd", (tool) =>
        fileDownloader(big, "s5cmd cp", tool.label, async (path): Promise<Took> => {
          const result = await runS5cmd(peers, tool.path, [
            "cp",
            `s3://${big.bucket}/${big.key}`,
            path,
          ]);
          return { ms: result.ms };
        }),
      ),
      ...pythonContenders(peers, big, "download"),
      ceiling,
    ],
  };
  const stream: BenchCase = {
    title: `stream ${size}`,
    unit: "MiB/s",
    warmUp: true,
    note: "Every reader counts the bytes (and hashes them in the first round). s3kit's stream(), boto3 and obstore read one GET (s3kit resumes it if it breaks); s5cmd cat fetches ranges in parallel and writes them in order. (boto3's download_fileobj into a non-seekable sink, which fetches ranges in parallel too, hung on 1 GiB here.)",
    contenders: [
      streamReader(big, `bucket.stream()`, "s3kit", async (hash) => {
        let read: Partial<Digest> = {};
        const took = await timed(async () => {
          read = await drainStream(await bucket.stream(big.key), hash);
        });
        return { ...took, read };
      }),
      s5cmdCat(peers, big),
      ...pythonContenders(peers, big, "stream"),
      ceiling,
    ],
  };
  return [download, stream];
}
