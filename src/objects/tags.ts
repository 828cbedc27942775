import {
  DeleteObjectTaggingCommand,
  GetObjectTaggingCommand,
  PutObjectTaggingCommand,
} from "@aws-sdk/client-s3";
import { send } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { type Tags, tagSet, tagsFrom } from "../common/tags.js";

/** Options of `setTags` and `getTags`. */
export interface TagOptions {
  /** The tags of this version of the object; unset, of the current one. */
  versionId?: string;
  /** Cancels the call: it then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/** Replaces the object's tags; an empty object removes them all. See Scope.setTags. */
export async function setTags(
  scope: ScopeRef,
  Key: string,
  tags: Tags,
  options: TagOptions = {},
): Promise<void> {
  const TagSet = tagSet(tags, "setTags");
  const target = { bucket: scope.bucketName, key: Key };
  if (TagSet.length === 0) {
    await send(
      scope.context,
      { ...target, operation: "DeleteObjectTagging" },
      new DeleteObjectTaggingCommand({
        Bucket: scope.bucketName,
        Key,
        VersionId: options.versionId,
      }),
      { signal: options.signal },
    );
    return;
  }
  await send(
    scope.context,
    { ...target, operation: "PutObjectTagging" },
    new PutObjectTaggingCommand({
      Bucket: scope.bucketName,
      Key,
      VersionId: options.versionId,
      Tagging: { TagSet },
    }),
    { signal: options.signal },
  );
}

/** Reads the object's tags into a plain object. See Scope.getTags. */
export async function getTags(
  scope: ScopeRef,
  Key: string,
  options: TagOptions = {},
): Promise<Tags> {
  return readTags(scope, Key, options);
}

/** GetObjectTagging for a full key. */
export async function readTags(
  scope: ScopeRef,
  Key: string,
  options: TagOptions = {},
): Promise<Tags> {
  const response = await send(
    scope.context,
    { operation: "GetObjectTagging", bucket: scope.bucketName, key: Key },
    new GetObjectTaggingCommand({
      Bucket: scope.bucketName,
      Key,
      VersionId: options.versionId,
    }),
    { signal: options.signal },
  );
  return tagsFrom(response.TagSet);
}
