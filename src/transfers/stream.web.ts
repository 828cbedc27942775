import { nodeOnly } from "../common/node-only.js";

/** `stream` where there are no Node streams (the web build): a ValidationError. */
export async function stream(..._: unknown[]): Promise<never> {
  throw nodeOnly(
    "stream",
    "a Node Readable",
    "open() gives the object's body as a web ReadableStream.",
  );
}
