import type { BigConfig, PeerName } from "../big-config.js";
import { createBenchBucket, removeBenchBucket } from "../buckets.js";
import type { Connection } from "../connection.js";
import { type Fixture, perFixture } from "../fixture.js";
import type { Contender } from "../runner.js";
import { ensureGoTool, type Installed, S5CMD, WARP } from "./go-tools.js";
import { type ProgramResult, type ProgramRun, runProgram } from "./program.js";
import { ensurePython } from "./python-env.js";

/** The peers outside Node, each ready or skipped with the reason. */
export interface ExternalPeers {
  config: BigConfig;
  connection: Connection;
  tools: Record<PeerName, Installed>;
  /** A bucket of warp's own: it deletes everything in the bucket it benchmarks. */
  warpBucket: string;
}

const log = (line: string) => process.stderr.write(`· ${line}\n`);

/**
 * Builds or installs the external peers once per fixture, outside any timed part: s5cmd and
 * warp with `go build`, boto3 and obstore in a venv. One that cannot be had is skipped with
 * the reason, and so is one left out of S3KIT_BENCH_PEERS.
 */
export const externalPeers = perFixture(async (fixture: Fixture): Promise<ExternalPeers> => {
  const config = fixture.config.big;
  const wanted = (name: PeerName) => config.peers.includes(name);
  const leftOut: Installed = { skipped: "left out by S3KIT_BENCH_PEERS" };
  const s5cmd = wanted("s5cmd") ? await ensureGoTool(S5CMD, log) : leftOut;
  const warp = wanted("warp") ? await ensureGoTool(WARP, log) : leftOut;
  const python = wanted("boto3") || wanted("obstore") ? await ensurePython(log) : undefined;
  const tools: Record<PeerName, Installed> = {
    s5cmd,
    warp,
    boto3: (wanted("boto3") && python?.boto3) || leftOut,
    obstore: (wanted("obstore") && python?.obstore) || leftOut,
  };
  for (const [name, tool] of Object.entries(tools)) {
    if ("skipped" in tool && tool !== leftOut) log(`${name} is skipped: ${tool.skipped}`);
  }
  const warpBucket = await createBenchBucket(fixture.raw, "warp");
  fixture.defer(() => removeBenchBucket(fixture.raw, warpBucket));
  return { config, connection: fixture.connection, tools, warpBucket };
});

/**
 * The contender `make` builds for a ready peer, or a skipped one carrying the reason (its
 * `label` then is the peer's name).
 */
export function peerContender(
  peers: ExternalPeers,
  name: PeerName,
  make: (tool: { path: string; label: string }) => Contender,
): Contender {
  const tool = peers.tools[name];
  return "skipped" in tool ? { label: name, library: name, skipped: tool.skipped } : make(tool);
}

/**
 * Runs s5cmd against the fixture's server with `args` after its global options; the
 * credentials go through the environment.
 * @throws Error with s5cmd's output when it fails.
 */
export function runS5cmd(
  peers: ExternalPeers,
  path: string,
  args: readonly string[],
  more: Partial<ProgramRun> = {},
): Promise<ProgramResult> {
  const { endpoint, region, accessKeyId, secretAccessKey } = peers.connection;
  return runProgram({
    ...more,
    command: path,
    args: ["--endpoint-url", endpoint, ...args],
    env: {
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_REGION: region,
      ...more.env,
    },
  });
}
