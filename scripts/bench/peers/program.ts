import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";

/** Programs still running, killed if the benchmark exits early (Ctrl-C, crash). */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** How to run one program. */
export interface ProgramRun {
  command: string;
  args: readonly string[];
  /** Added to the benchmark's own environment (credentials go here, never into argv). */
  env?: Record<string, string>;
  cwd?: string;
  /** A file descriptor to read stdin from; stdin is closed otherwise. */
  stdinFd?: number;
  /**
   * Receives stdout as a stream (e.g. to count the bytes of `s5cmd cat`); without it stdout is
   * collected as text.
   */
  consumeStdout?: (stdout: Readable) => Promise<void>;
  /** Kill the program after this many ms (default 15 minutes: a hung peer must not hang the bench). */
  timeoutMs?: number;
  /** Sample the program's peak RSS (VmHWM, Linux only) while it runs. */
  sampleRss?: boolean;
}

/** What a program did. */
export interface ProgramResult {
  /** Wall-clock ms from spawn to exit: the program's start-up included. */
  ms: number;
  /** stdout, when not consumed; the last 64 KiB of it. */
  stdout: string;
  /** The last 8 KiB of stderr. */
  stderr: string;
  /** Peak RSS in bytes as last sampled before the exit, when asked for and available. */
  peakRss?: number;
}

/** The program's peak RSS so far (VmHWM) in bytes; undefined once it is gone or off Linux. */
async function highWaterMark(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

/** Polls VmHWM every 10 ms; the peak only grows, so the last answer before the exit holds. */
function rssSampler(pid: number | undefined): { stop(): Promise<number | undefined> } {
  let peak: number | undefined;
  let polling = Promise.resolve();
  const poll = () => {
    polling = polling.then(async () => {
      if (pid === undefined) return;
      const value = await highWaterMark(pid);
      if (value !== undefined) peak = Math.max(peak ?? 0, value);
    });
  };
  const timer = setInterval(poll, 10);
  poll();
  return {
    async stop() {
      clearInterval(timer);
      await polling;
      return peak;
    },
  };
}

function spawned(run: ProgramRun): ChildProcess {
  return spawn(run.command, [...run.args], {
    cwd: run.cwd,
    env: { ...process.env, ...run.env },
    stdio: [run.stdinFd ?? "ignore", "pipe", "pipe"],
  });
}

/**
 * Runs a program to its end and times it.
 * @throws Error with the command and the tail of its stderr when it cannot start, exits with
 * a non-zero code or a signal, or runs past its timeout.
 */
export async function runProgram(run: ProgramRun): Promise<ProgramResult> {
  const start = performance.now();
  const child = spawned(run);
  running.add(child);
  const sampler = run.sampleRss ? rssSampler(child.pid) : undefined;
  const timer = setTimeout(() => child.kill("SIGKILL"), run.timeoutMs ?? 15 * 60_000);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8192);
  });
  const consumed = run.consumeStdout?.(child.stdout as Readable);
  if (!consumed) {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout = (stdout + chunk.toString()).slice(-65536);
    });
  }
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  try {
    const [{ code, signal }] = await Promise.all([exit, consumed]);
    const ms = performance.now() - start;
    const peakRss = await sampler?.stop();
    if (code !== 0) {
      const how = signal ? `signal ${signal}` : `code ${code}`;
      const line = [run.command, ...run.args].join(" ").slice(0, 200);
      throw new Error(`${line} exited with ${how}: ${stderr.trim()}`);
    }
    return { ms, stdout, stderr, peakRss };
  } finally {
    clearTimeout(timer);
    await sampler?.stop();
    running.delete(child);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
