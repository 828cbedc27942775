import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { type BigObject, bigBench, type Took, uploader } from "../big-object.js";
import type { Fixture } from "../fixture.js";
import { type ExternalPeers, peerContender, runS5cmd } from "../peers/external.js";
import { runPython } from "../peers/python-peer.js";
import type { BenchCase, Contender } from "../runner.js";
import { timed } from "../stats.js";

type Source = "file" | "stream";

/** s5cmd: `cp` of the file, or `pipe` with the file as its stdin (a stream of unknown length). */
function s5cmdUpload(peers: ExternalPeers, big: BigObject, source: Source): Contender {
  return peerContender(peers, "s5cmd", (tool) =>
    uploader(big, source === "file" ? "s5cmd cp" : "s5cmd pipe < file", tool.label, async (key) => {
      const target = `s3://${big.bucket}/${key}`;
      if (source === "file")
        return { ms: (await runS5cmd(peers, tool.path, ["cp", big.source.path, target])).ms };
      const file = await open(big.source.path);
      try {
        return {
          ms: (await runS5cmd(peers, tool.path, ["pipe", target], { stdinFd: file.fd })).ms,
        };
      } finally {
        await file.close();
      }
    }),
  );
}

/** boto3's upload_file / upload_fileobj and obstore's put, timed inside Python. */
function pythonUploads(peers: ExternalPeers, big: BigObject, source: Source): Contender[] {
  const labels = {
    boto3:
      source === "file" ? "upload_file (16 threads)" : "upload_fileobj(non-seekable) (16 threads)",
    obstore: source === "file" ? "put(open file)" : "put(iterator of chunks)",
  };
  return (["boto3", "obstore"] as const).map((lib) =>
    peerContender(peers, lib, (tool) =>
      uploader(big, labels[lib], tool.label, async (key): Promise<Took> => {
        const op = source === "file" ? "upload-file" : "upload-stream";
        const task = {
          lib,
          op,
          bucket: big.bucket,
          key,
          path: big.source.path,
          hash: false,
        } as const;
        return { ms: (await runPython(peers, tool.path, task)).seconds * 1000 };
      }),
    ),
  );
}

/** upload() of the big file, from its path and as a stream: s3kit against s5cmd, boto3, obstore and warp's PUT ceiling. */
export async function bigUploadCases(fixture: Fixture): Promise<BenchCase[]> {
  const { big, peers, kit, ceiling } = await bigBench(fixture, "upload");
  const { bucket } = fixture;
  const size = `${big.config.bigMiB} MiB`;
  const make = (source: Source, kitUpload: (key: string) => Promise<unknown>): BenchCase => ({
    title: `upload ${size} from a ${source}`,
    unit: "MiB/s",
    warmUp: true,
    note: `s3kit uploads ${kit.partMiB} MiB parts, ${kit.concurrency} at once; s5cmd with its defaults (50 MiB parts, 5 at once), timed around the command; boto3 8 MiB parts on 16 threads and obstore 5 MiB parts 12 at once (their defaults), timed inside Python. warp: the server's PUT throughput for single PUTs of s3kit's part size at its concurrency.`,
    contenders: [
      uploader(
        big,
        `bucket.upload(${source === "file" ? "path" : "Readable"})${kit.suffix}`,
        "s3kit",
        (key) => timed(() => kitUpload(key)),
      ),
      s5cmdUpload(peers, big, source),
      ...pythonUploads(peers, big, source),
      ceiling,
    ],
  });
  return [
    make("file", (key) => bucket.upload(big.source.path, key, kit.options)),
    make("stream", (key) => bucket.upload(createReadStream(big.source.path), key, kit.options)),
  ];
}
