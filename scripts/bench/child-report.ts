import { type ChildProcess, spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Children still running, killed if the benchmark exits early (Ctrl-C, crash). */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Runs `node ...args` in the project root with `env` (tasks, credentials included, go there,
 * not in argv, which `ps` shows) and returns the JSON it prints on the stdout line starting
 * with `prefix`. `what` names the child in errors.
 * @throws Error with the child's stderr when it exits non-zero or prints no such line.
 */
export function childReport<T>(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  prefix: string,
  what: string,
): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    child.on("error", (error) => {
      running.delete(child);
      reject(error);
    });
    child.on("close", (code) => {
      running.delete(child);
      const line = stdout.split("\n").find((l) => l.startsWith(prefix));
      if (code !== 0 || !line) {
        reject(new Error(`${what} exited with ${code}:\n${stderr}`));
        return;
      }
      resolvePromise(JSON.parse(line.slice(prefix.length)) as T);
    });
  });
}
