import { open } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { kitTransfer } from "../big-config.js";
import {
  BIG_CHILD_VARIABLE,
  type BigMemoryReport,
  type BigMemoryTask,
} from "../big-memory-protocol.js";
import { type BigObject, bigObject, fileDownloader, type Took, uploader } from "../big-object.js";
import type { Fixture } from "../fixture.js";
import { REPORT_PREFIX } from "../memory-protocol.js";
import { type ExternalPeers, externalPeers, peerContender, runS5cmd } from "../peers/external.js";
import { runProgram } from "../peers/program.js";
import { runPython } from "../peers/python-peer.js";
import type { BenchCase, Contender } from "../runner.js";

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, "..", "..", "..");
const childScript = join(here, "..", "big-memory-child.ts");

type Mode = BigMemoryTask["mode"];

/**
 * One s3kit transfer in a fresh child (node with tsx as its loader: one process, so its RSS
 * is the one measured); the task, credentials included, goes through the environment.
 * @throws Error with the child's stderr when it fails or prints no report.
 */
async function kitChild(task: BigMemoryTask): Promise<Took> {
  const result = await runProgram({
    command: process.execPath,
    args: ["--expose-gc", "--import", "tsx", childScript],
    cwd: projectRoot,
    env: { [BIG_CHILD_VARIABLE]: JSON.stringify(task) },
  });
  const line = result.stdout.split("\n").find((l) => l.startsWith(REPORT_PREFIX));
  if (!line) throw new Error(`memory child (${task.mode}) printed no report: ${result.stderr}`);
  const report = JSON.parse(line.slice(REPORT_PREFIX.length)) as BigMemoryReport;
  return { ms: report.ms, rssGrowth: report.peakRss - report.baselineRss };
}

/** A peer's transfer, measured as its process's RSS growth (s5cmd: its whole peak RSS). */
function peerMemory(peers: ExternalPeers, big: BigObject, mode: Mode): Contender[] {
  const lift = (make: (key: string) => Promise<Took>, label: string, library: string) =>
    mode === "download"
      ? fileDownloader(big, label, library, make, "MiB")
      : uploader(big, label, library, make, "MiB");
  const s5cmd = peerContender(peers, "s5cmd", (tool) =>
    lift(
      async (target) => {
        const args =
          mode === "download"
            ? ["cp", `s3://${big.bucket}/${big.key}`, target]
            : ["pipe", `s3://${big.bucket}/${target}`];
        const file = mode === "download" ? undefined : await open(big.source.path);
        try {
          const result = await runS5cmd(peers, tool.path, args, {
            stdinFd: file?.fd,
            sampleRss: true,
          });
          return { ms: result.ms, rssGrowth: result.peakRss };
        } finally {
          await file?.close();
        }
      },
      mode === "download" ? "s5cmd cp (whole process)" : "s5cmd pipe < file (whole process)",
      tool.label,
    ),
  );
  const python = (["boto3", "obstore"] as const).map((lib) =>
    peerContender(peers, lib, (tool) =>
      lift(
        async (target) => {
          const op = mode === "download" ? "download" : "upload-stream";
          const paths =
            mode === "download"
              ? { key: big.key, path: target }
              : { key: target, path: big.source.path };
          const report = await runPython(peers, tool.path, {
            lib,
            op,
            bucket: big.bucket,
            hash: false,
            ...paths,
          });
          return { ms: report.seconds * 1000, rssGrowth: report.peakRss - report.baselineRss };
        },
        `${mode === "download" ? "download" : "upload from a stream"}`,
        tool.label,
      ),
    ),
  );
  return [s5cmd, ...python];
}

/** Peak RSS growth of s3kit's upload from a stream and download of the big object, against the peers'. */
export async function bigMemoryCases(fixture: Fixture): Promise<BenchCase[]> {
  const [big, peers] = await Promise.all([bigObject(fixture), externalPeers(fixture)]);
  const make = (mode: Mode): BenchCase => {
    const kit = kitTransfer(big.config, mode === "download" ? "download" : "upload");
    const bound =
      mode === "download"
        ? "it must not grow with the object (compare two S3KIT_BENCH_BIG_MIB values)"
        : `issue 11's bound is partSize × concurrency + 64 MiB = ${kit.partMiB * kit.concurrency + 64} MiB`;
    const task = (target: string): BigMemoryTask => ({
      connection: fixture.connection,
      bucket: big.bucket,
      mode,
      options: kit.options,
      ...(mode === "download"
        ? { key: big.key, path: target }
        : { key: target, path: big.source.path }),
    });
    const kitLabel = `${mode === "download" ? "bucket.download()" : "bucket.upload(Readable)"}${kit.suffix}`;
    return {
      title: `${mode === "download" ? "download" : "upload from a stream"} ${big.config.bigMiB} MiB: peak RSS growth`,
      unit: "MiB",
      warmUp: false,
      note: `Each run is a fresh process: s3kit's child measures RSS from after its imports and a warm-up request to the end of the transfer (${bound}); boto3 and obstore from just before the transfer (VmRSS) to VmHWM after it; s5cmd's figure is its whole process's peak (VmHWM).`,
      contenders: [
        mode === "download"
          ? fileDownloader(big, kitLabel, "s3kit", (path) => kitChild(task(path)), "MiB")
          : uploader(big, kitLabel, "s3kit", (key) => kitChild(task(key)), "MiB"),
        ...peerMemory(peers, big, mode),
      ],
    };
  };
  return [make("upload-stream"), make("download")];
}
