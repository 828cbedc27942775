import {
  DeleteObjectTaggingCommand,
  GetObjectTaggingCommand,
  PutObjectTaggingCommand,
} from "@aws-sdk/client-s3";
import { send } from "../client/context.js";
import { headerValue } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { type Tags, tagSet, tagsFrom } from "../common/tags.js";
import { isUnsupported } from "../errors/unsupported.js";
import { checkPinned } from "../transfers/check-pinned.js";

/** Options of `setTags` and `getTags`. */
export interface TagOptions {
  /** The tags of this version of the object; unset, of the current one. */
  versionId?: string;
  /** Cancels the call: it then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/**
 * Replaces the object's tags; an empty object removes them all, by DeleteObjectTagging, or
 * where a store has none (501, 405) by PutObjectTagging of an empty tag set. See Scope.setTags.
 */
export async function setTags(
  scope: ScopeRef,
  Key: string,
  tags: Tags,
  options: TagOptions = {},
): Promise<void> {
  const TagSet = tagSet(tags, "setTags");
  const VersionId = headerValue(options.versionId, "versionId", "setTags");
  const input = { Bucket: scope.bucketName, Key, VersionId };
  const target = { bucket: scope.bucketName, key: Key };
  const { signal } = options;
  // `{}` means no tags at all: S3 has a request of its own for removing them.
  if (TagSet.length === 0) {
    try {
      const command = new DeleteObjectTaggingCommand(input);
      const operation = "DeleteObjectTagging";
      await send(scope.context, { ...target, operation }, command, { signal });
      return;
    } catch (error) {
      // A store without it: putting an empty tag set removes them all as well.
      if (!isUnsupported(error)) throw error;
    }
  }
  const command = new PutObjectTaggingCommand({ ...input, Tagging: { TagSet } });
  await send(scope.context, { ...target, operation: "PutObjectTagging" }, command, { signal });
}

/** Reads the object's tags (GetObjectTagging of a full key) into a plain object. See Scope.getTags. */
export async function getTags(
  scope: ScopeRef,
  Key: string,
  options: TagOptions = {},
): Promise<Tags> {
  const VersionId = headerValue(options.versionId, "versionId", "getTags");
  const response = await send(
    scope.context,
    { operation: "GetObjectTagging", bucket: scope.bucketName, key: Key },
    new GetObjectTaggingCommand({ Bucket: scope.bucketName, Key, VersionId }),
    { signal: options.signal },
  );
  // The tags of another version (a store that ignores `?versionId=`) are never passed on. Only
  // a version named is compared: unlike a read's, this answer need not name one (and on some
  // stores does not).
  if (VersionId !== undefined && response.VersionId !== undefined) {
    const where = { operation: "getTags", bucket: scope.bucketName, key: Key };
    checkPinned({ versionId: VersionId }, { versionId: response.VersionId }, where);
  }
  return tagsFrom(response.TagSet);
}
