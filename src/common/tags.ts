import type { Tag } from "@aws-sdk/client-s3";
import { ValidationError } from "../errors/validation-error.js";

/**
 * Object tags as a plain object: at most 10, keys up to 128 and values up to 256 characters,
 * of letters, numbers and spaces (any script) and + - = . _ : / @.
 */
export type Tags = Record<string, string>;

const MAX_TAGS = 10;

/**
 * What S3 accepts in a tag key or value: letters, numbers and spaces representable in UTF-8
 * (any script: AWS takes "Zürich"), and + - = . _ : / @. AWS's own pattern.
 */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function checkTagText(text: string, what: string, operation: string): void {
  if (TAG_TEXT.test(text)) return;
  throw new ValidationError(
    `${operation}: ${what} has characters S3 refuses in tags; use letters, numbers, spaces and + - = . _ : / @`,
    { operation },
  );
}

/** Checks tags and returns them as S3's TagSet. */
export function tagSet(tags: unknown, operation: string): Tag[] {
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    throw new ValidationError(`${operation}: tags must be an object of strings`, { operation });
  }
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) {
    throw new ValidationError(`${operation}: ${entries.length} tags; S3 allows ${MAX_TAGS}`, {
      operation,
    });
  }
  return entries.map(([key, value]) => {
    if (key.length === 0 || [...key].length > 128) {
      throw new ValidationError(
        `${operation}: tag key ${JSON.stringify(key)} must be 1 to 128 characters`,
        { operation },
      );
    }
    if (typeof value !== "string" || [...value].length > 256) {
      throw new ValidationError(
        `${operation}: tag ${JSON.stringify(key)} must be a string of at most 256 characters`,
        { operation },
      );
    }
    checkTagText(key, `tag key ${JSON.stringify(key)}`, operation);
    checkTagText(value, `the value of tag ${JSON.stringify(key)}`, operation);
    return { Key: key, Value: value };
  });
}

/** Checks tags and encodes them for the x-amz-tagging header ("a=1&b=2"). */
export function encodeTags(tags: unknown, operation: string): string {
  return new URLSearchParams(
    tagSet(tags, operation).map((tag): [string, string] => [tag.Key ?? "", tag.Value ?? ""]),
  ).toString();
}

/**
 * Checks tags and writes them as the XML document a POST form's `tagging` field takes;
 * undefined for none. Tag text cannot hold XML's special characters (see TAG_TEXT), so nothing is escaped.
 */
export function taggingDocument(tags: unknown, operation: string): string | undefined {
  const set = tagSet(tags, operation);
  if (set.length === 0) return undefined;
  const tagXml = set.map((tag) => `<Tag><Key>${tag.Key}</Key><Value>${tag.Value}</Value></Tag>`);
  return `<Tagging><TagSet>${tagXml.join("")}</TagSet></Tagging>`;
}

/**
 * Encodes tags the store itself holds (read from an object) for the x-amz-tagging header,
 * unchecked: the store accepted them, and a store laxer than S3 must not make a copy fail.
 */
export function taggingHeader(tags: Tags): string {
  return new URLSearchParams(Object.entries(tags)).toString();
}

/** Reads S3's TagSet into a plain object. */
export function tagsFrom(set: Tag[] | undefined): Tags {
  const tags: Tags = {};
  for (const tag of set ?? []) {
    if (tag.Key === undefined) continue;
    // Defined, not assigned: "__proto__" is a valid tag key, and assigning it sets nothing.
    Object.defineProperty(tags, tag.Key, {
      value: tag.Value ?? "",
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return tags;
}
