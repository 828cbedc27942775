/**
 * The Bun peer: runs under Bun (started by peers/bun.ts), makes one `Bun.S3Client` and then
 * answers one JSON request line at a time on stdin with one JSON reply line on stdout. Only
 * the requests are timed, here in the child.
 */
import { createInterface } from "node:readline";
import {
  BUN_TASK_VARIABLE,
  type BunInit,
  type BunReply,
  type BunRequest,
} from "./peers/bun-protocol.js";
import { presignBatch, type SmallOps, smallBatch } from "./small-batch.js";

/** The part of Bun's S3 API used here (the project's types are Node's, not Bun's). */
interface BunS3Client {
  write(key: string, data: Uint8Array): Promise<number>;
  file(key: string): { bytes(): Promise<Uint8Array> };
  stat(key: string): Promise<{ size: number }>;
  presign(key: string, options: { method: "GET" | "PUT"; expiresIn: number }): string;
}
interface BunGlobal {
  version: string;
  S3Client: new (options: Record<string, string>) => BunS3Client;
}

function answer(client: BunS3Client, request: BunRequest): Promise<BunReply> {
  if (request.op === "presign") {
    const { method } = request;
    return presignBatch((key) => client.presign(key, { method, expiresIn: 3600 }), request.keys);
  }
  const ops: SmallOps = {
    put: async (key, body) => {
      await client.write(key, body);
    },
    get: (key) => client.file(key).bytes(),
    head: async (key) => (await client.stat(key)).size,
  };
  return smallBatch(ops, request.op, request.keys, request.concurrency);
}

async function main(): Promise<void> {
  const raw = process.env[BUN_TASK_VARIABLE];
  if (!raw) throw new Error(`${BUN_TASK_VARIABLE} is not set; the benchmark starts this script`);
  const { connection, bucket } = JSON.parse(raw) as BunInit;
  const bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;
  const client = new bun.S3Client({ ...connection, bucket });
  process.stdout.write(`${JSON.stringify({ ready: bun.version })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    let reply: BunReply;
    try {
      reply = await answer(client, JSON.parse(line) as BunRequest);
    } catch (error) {
      reply = { error: (error as Error)?.stack ?? String(error) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
