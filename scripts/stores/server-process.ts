/**
 * Starts an S3 server process on 127.0.0.1 for the tests, the demo and the benchmarks: free
 * ports, a fresh temp data dir, and a `stop()` that ends the process and removes the dir.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A server this process started: where it answers, its data dir, and how to end it. */
export interface ServerProcess {
  endpoint: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** How to start one server. */
export interface ServerLaunch {
  /** Names the server in messages and in its temp dir. */
  name: string;
  command: string;
  /** How many free ports it needs; the first is the S3 port the endpoint names. */
  ports: number;
  /** Its arguments for the ports picked and the data dir. */
  args(ports: number[], dataDir: string): string[];
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Files written into the data dir before the start (name → content). */
  files?: Record<string, string>;
  /** Resolves true once the server at `endpoint` answers as it should. */
  ready(endpoint: string): Promise<boolean>;
  /** Print the server's output to this process's stdout and stderr. */
  verbose?: boolean;
  /** How long to wait for `ready` (default 60 s). */
  timeoutMs?: number;
}

/** A port nothing listens on at the moment of asking (another process may take it after). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

/** True when a GET of `url` answers 200 (false while nothing listens yet). */
export async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once("exit", () => r()));
}

async function waitReady(launch: ServerLaunch, endpoint: string, child: ChildProcess) {
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const timeoutMs = launch.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null) {
      throw new Error(`${launch.name} exited early with code ${child.exitCode}`);
    }
    if (await launch.ready(endpoint)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${launch.name} at ${endpoint} was not ready after ${timeoutMs} ms`);
}

/** One try: spawn on fresh ports and a fresh dir, wait until ready, or clean up and throw. */
async function attempt(launch: ServerLaunch): Promise<ServerProcess> {
  const ports: number[] = [];
  while (ports.length < launch.ports) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const dataDir = await mkdtemp(join(tmpdir(), `s3kit-${launch.name}-`));
  for (const [name, content] of Object.entries(launch.files ?? {})) {
    await writeFile(join(dataDir, name), content, { mode: 0o600 });
  }
  const endpoint = `http://127.0.0.1:${ports[0]}`;
  const quiet = launch.verbose ? "inherit" : "ignore";
  const child = spawn(launch.command, launch.args(ports, dataDir), {
    env: { ...process.env, ...launch.env },
    stdio: ["ignore", quiet, launch.verbose ? "inherit" : "pipe"],
  });
  // If this process ends without stop() (a crash, process.exit), take the server and its data along.
  const onExit = () => {
    child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once("exit", onExit);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const stop = async () => {
    process.off("exit", onExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(launch, endpoint, child);
    return { endpoint, dataDir, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
}

/**
 * Starts the server and resolves once `ready` says it answers. A port can be taken between
 * the probe and the server's bind, so a failed start is tried again, three times in all.
 */
export async function launchServer(launch: ServerLaunch): Promise<ServerProcess> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt(launch);
    } catch (error) {
      if (tries >= 3) {
        throw new Error(`could not start ${launch.name}: ${(error as Error).message}`);
      }
    }
  }
}
