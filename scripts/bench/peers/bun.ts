import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { perFixture } from "../fixture.js";
import {
  BUN_TASK_VARIABLE,
  type BunInit,
  type BunReady,
  type BunReply,
  type BunRequest,
} from "./bun-protocol.js";

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, "..", "..", "..");
const childScript = join(here, "..", "bun-child.ts");

/** The Bun child, ready for requests; one at a time. */
export interface BunPeer {
  /** Bun's version, e.g. "1.4.5". */
  version: string;
  /**
   * Sends one batch and waits for its reply.
   * @throws Error with the child's message when the batch failed or the child died.
   */
  call(request: BunRequest): Promise<BunReply>;
}

/**
 * The Bun binary of the `bun` devDependency: its platform package (what the `bun` package's
 * own install step copies), else the copy that step made. Undefined when neither is there.
 */
function bunBinary(): string | undefined {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch = process.arch === "arm64" ? "aarch64" : "x64";
  const candidates = [
    join(projectRoot, "node_modules", "@oven", `bun-${os}-${arch}`, "bin", "bun"),
    join(projectRoot, "node_modules", "bun", "bin", "bun.exe"),
  ];
  return candidates.find((path) => existsSync(path));
}

/** Starts the child and waits for its ready line; the child is killed on close or exit. */
async function start(binary: string, init: BunInit): Promise<BunPeer & { close(): void }> {
  const child: ChildProcessWithoutNullStreams = spawn(binary, [childScript], {
    cwd: projectRoot,
    env: { ...process.env, [BUN_TASK_VARIABLE]: JSON.stringify(init) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) => {
    child.once("error", reject);
    child.once("close", (code) => reject(new Error(`bun exited with ${code}: ${stderr}`)));
  });
  exited.catch(() => {}); // observed by next(); a close after the last request is no error
  const next = async (): Promise<string> => {
    const line = await Promise.race([lines.next(), exited]);
    if (line.done) throw new Error(`bun closed its output: ${stderr}`);
    return line.value;
  };
  const timeout = setTimeout(kill, 30_000);
  const ready = JSON.parse(await next()) as BunReady;
  clearTimeout(timeout);
  return {
    version: ready.ready,
    async call(request) {
      child.stdin.write(`${JSON.stringify(request)}\n`);
      const reply = JSON.parse(await next()) as BunReply;
      if (reply.error) throw new Error(`Bun child: ${reply.error}`);
      return reply;
    },
    close() {
      process.off("exit", kill);
      child.stdin.end();
      kill();
    },
  };
}

/**
 * The Bun child for this fixture, started on first use (outside any timed part) and stopped
 * when the fixture closes; or why it cannot run.
 */
export const bunPeer = perFixture(async (fixture): Promise<BunPeer | { skipped: string }> => {
  const binary = bunBinary();
  if (!binary) return { skipped: "the bun devDependency has no binary for this platform" };
  try {
    const started = await start(binary, {
      connection: fixture.connection,
      bucket: fixture.bucket.name,
    });
    fixture.defer(async () => started.close());
    return started;
  } catch (error) {
    return { skipped: `bun did not start: ${(error as Error).message}` };
  }
});
