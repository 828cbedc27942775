import { elementBodies, escapeXml, leafFields } from "./xml-fields.js";

/** One S3 tag, as the SDK's TagSet holds it. */
interface Tag {
  Key?: string | undefined;
  Value?: string | undefined;
}

/** The PutObjectTagging body of `tagging` (the SDK's `Tagging` input member). */
export function taggingXml(tagging: unknown): string {
  const set = ((tagging as { TagSet?: Tag[] } | undefined)?.TagSet ?? []).map(
    (tag) =>
      `<Tag><Key>${escapeXml(tag.Key ?? "")}</Key><Value>${escapeXml(tag.Value ?? "")}</Value></Tag>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${set.join("")}</TagSet></Tagging>`;
}

/**
 * The TagSet of a GetObjectTagging answer. A body that is not a whole <Tagging> document
 * (cut off, or some proxy's page) throws, as the SDK's parser does: no tag set is made up.
 */
export function tagSetOf(xml: string): { TagSet: Tag[] } {
  const [tagging] = elementBodies(xml, "Tagging");
  if (tagging === undefined) throw unreadableAnswer("GetObjectTagging", xml);
  const TagSet = elementBodies(tagging, "Tag").map((tag) => {
    const fields = leafFields(tag);
    return { Key: fields.get("Key") ?? "", Value: fields.get("Value") ?? "" };
  });
  return { TagSet };
}

/** The error of a successful answer whose body is not the document the operation returns. */
function unreadableAnswer(operation: string, body: string): Error {
  const error = new Error(
    `${operation}: the answer is not an S3 document (${body.length} characters: ${JSON.stringify(body.slice(0, 80))})`,
  );
  error.name = "InvalidResponse";
  return error;
}
