import { ValidationError } from "../errors/validation-error.js";
import { describe } from "../prefix/keys.js";

/** A glob compiled for a listing. */
export interface GlobPattern {
  /** Whole-name test (flags `su`: `.` matches newlines, classes match code points). */
  regex: RegExp;
  /** The literal start of every name it matches: the listing's Prefix can be narrowed to it. */
  literal: string;
  /** Whether it can match a name holding "/" (a literal "/" or a `**` segment). */
  deep: boolean;
}

/** Escapes a character for a RegExp outside a class (u mode: only syntax characters and "/"). */
const escaped = (char: string) => (/[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char);

/** Escapes a character inside a class (u mode also allows "\-"). */
const escapedInClass = (char: string) => (/[\\\]^[-]/.test(char) ? `\\${char}` : char);

function badGlob(glob: string, problem: string, operation: string): ValidationError {
  return new ValidationError(`${operation}: glob ${JSON.stringify(glob)} ${problem}`, {
    operation,
  });
}

/**
 * The class opening at `chars[open]` ("[abc]", "[a-z]", "[!abc]" or "[^abc]"; a "]" first is
 * literal, "\" escapes): its RegExp, never matching "/", and the index of its "]".
 */
function charClass(chars: string[], open: number, glob: string, operation: string) {
  let index = open + 1;
  const negated = chars[index] === "!" || chars[index] === "^";
  if (negated) index += 1;
  let body = "";
  for (let first = true; index < chars.length; index += 1, first = false) {
    let char = chars[index] as string;
    if (char === "]" && !first) {
      const regex = negated ? `[^/${body}]` : `(?:(?!/)[${body}])`;
      return { regex, close: index };
    }
    const literal = char === "\\";
    if (literal) {
      index += 1;
      char = chars[index] ?? "";
      if (char === "") break;
    }
    // "-" between two characters makes a range; anywhere else it is itself.
    const range = !literal && char === "-" && !first && chars[index + 1] !== "]";
    body += range ? "-" : escapedInClass(char);
  }
  throw badGlob(glob, "has a [ without its ]", operation);
}

/**
 * Compiles a glob matched against whole relative names: `*` any run of characters within one
 * segment, `**` as a whole segment any number of segments (none included), elsewhere like `*`;
 * `?` one character but "/"; `[abc]`, `[a-z]`, `[!abc]` one character of (or not of) a class,
 * never "/"; `\` makes the next character literal. Everything else is literal, regex
 * metacharacters included.
 * @throws ValidationError for a glob that is not a non-empty, well-formed string, an
 * unclosed class, a reversed range, or a trailing "\".
 */
export function globPattern(glob: unknown, operation: string): GlobPattern {
  if (typeof glob !== "string" || glob === "" || !glob.isWellFormed()) {
    const got = typeof glob === "string" ? "" : `, got ${describe(glob)}`;
    const problem = `glob must be a non-empty, well-formed string${got}`;
    throw new ValidationError(`${operation}: ${problem}`, { operation });
  }
  const chars = [...glob];
  let source = "";
  let literal = "";
  let fixed = true;
  let deep = false;
  for (let index = 0; index < chars.length; index += 1) {
    let char = chars[index] as string;
    if (char === "*") {
      const from = index;
      while (chars[index + 1] === "*") index += 1;
      const segment = (from === 0 || chars[from - 1] === "/") && (chars[index + 1] ?? "/") === "/";
      const globstar = index > from && segment;
      const slash = chars[index + 1] === "/";
      if (globstar && slash) index += 1; // "**/": any directories, or none
      source += !globstar ? "[^/]*" : slash ? "(?:[^/]*/)*" : ".*";
      deep ||= globstar;
      fixed = false;
    } else if (char === "?") {
      source += "[^/]";
      fixed = false;
    } else if (char === "[") {
      const { regex, close } = charClass(chars, index, glob, operation);
      source += regex;
      index = close;
      fixed = false;
    } else {
      if (char === "\\") {
        index += 1;
        char = chars[index] ?? "";
        if (char === "") throw badGlob(glob, 'ends with a lone "\\"', operation);
      }
      source += escaped(char);
      if (fixed) literal += char;
      deep ||= char === "/";
    }
  }
  try {
    return { regex: new RegExp(`^${source}$`, "su"), literal, deep };
  } catch (error) {
    throw badGlob(glob, `is not a valid pattern (${(error as Error).message})`, operation);
  }
}
