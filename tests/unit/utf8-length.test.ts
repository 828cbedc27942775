import { describe, expect, it } from "vitest";
import { utf8Length } from "../../src/prefix/utf8-length.js";

describe("utf8Length (key limits without Node's Buffer)", () => {
  it.each([
    ["empty", ""],
    ["ASCII", "logs/2025/app.log"],
    ["two-byte letters", "Résumé – ñ"],
    ["three-byte CJK", "日本語のキー"],
    ["four-byte emoji (surrogate pairs)", "📦/🚀-🧪"],
    ["a lone high surrogate", "bad\uD800key"],
    ["a lone low surrogate", "bad\uDC00key"],
    ["a high surrogate at the end", "end\uD83D"],
    ["two high surrogates then a low one", "\uD83D\uD83D\uDE80"],
    ["every boundary", "\u007f\u0080\u07ff\u0800\uffff\u{10000}\u{10ffff}"],
  ])("issue 10: counts %s as Buffer.byteLength does", (_label, text) => {
    expect(utf8Length(text)).toBe(Buffer.byteLength(text));
  });

  it("issue 10: counts a long mixed string as Buffer.byteLength does", () => {
    const text = Array.from({ length: 5000 }, (_, i) =>
      String.fromCodePoint((i * 7919) % 0x10ffff),
    ).join("");
    expect(utf8Length(text)).toBe(Buffer.byteLength(text));
  });
});
