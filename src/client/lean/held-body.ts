import type { HttpAnswer } from "./http-types.js";

/**
 * The largest object body the lean path reads whole within its request (see heldLength):
 * the small objects of a website or a queue, which fit in a few TCP segments.
 */
const HELD_BODY_LIMIT = 64 * 1024;

/**
 * A GetObject body read whole within the request that brought it: a body cut off midway
 * fails that request, which is retried like any broken answer, so the read path gets it
 * complete or not at all and need not resume it.
 */
export class HeldBody {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * The length of a body to read whole: a successful answer announcing at most
 * HELD_BODY_LIMIT bytes. Undefined for one to stream (larger, or of unknown length).
 */
export function heldLength(answer: HttpAnswer): number | undefined {
  const announced = answer.headers["content-length"];
  if (answer.body === null || announced === undefined || !/^\d+$/.test(announced)) {
    return undefined;
  }
  const length = Number(announced);
  return length <= HELD_BODY_LIMIT ? length : undefined;
}
