import { nodeOnly } from "../common/node-only.js";

/** `download` where there is no file system (the web build): a ValidationError. */
export async function download(..._: unknown[]): Promise<never> {
  throw nodeOnly("download", "writing a local file", "Read the object with open() or getBytes().");
}
