import { nodeOnly } from "../../common/node-only.js";

/** `openFile` where there is no file system (the web build): a ValidationError. */
export async function openFile(_path: string, operation: string, ..._: unknown[]): Promise<never> {
  throw nodeOnly(
    operation,
    "uploading a local file by its path",
    "Pass bytes, a Blob or a ReadableStream instead.",
  );
}
