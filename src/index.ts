export type {
  AbortedUpload,
  AbortUploadsOptions,
  AbortUploadsResult,
} from "./batch/abort-uploads.js";
export type { CopyPair } from "./batch/copy-many.js";
export type { CopyManyOptions } from "./batch/copy-many-options.js";
export type { DeleteManyOptions } from "./batch/delete-many-options.js";
export type { CopyFailure, CopyResult, DeleteFailure, DeleteResult } from "./batch/results.js";
export type { BucketOptions } from "./bucket/bucket.js";
export { Bucket } from "./bucket/bucket.js";
export type { PrefixOptions } from "./bucket/prefix.js";
export { Prefix } from "./bucket/prefix.js";
export type { Entry, FolderEntry, ObjectEntry } from "./bucket/scope.js";
export { Scope } from "./bucket/scope.js";
export type { Logger } from "./client/logger.js";
export type { NodeReadable } from "./client/node-readable.js";
export type { CannedAcl } from "./common/canned-acl.js";
export type { ByteRange } from "./common/checks.js";
export type { ChecksumName } from "./common/checksum-option.js";
export type { CorsMethod, CorsRule } from "./common/cors-rules.js";
export type { CustomerKeyOption, SseCustomerKey } from "./common/customer-key.js";
export { sseCustomerHeaders } from "./common/customer-key.js";
export type { ScopeDefaults } from "./common/defaults.js";
export type { ObjectChecksums } from "./common/object-checksums.js";
export type { OnProgress, Progress } from "./common/progress.js";
export type { ExactRange } from "./common/range-list.js";
export type { SuffixRange } from "./common/read-conditions.js";
export type { Tags } from "./common/tags.js";
export type { PutOptions, PutResult, WriteOptions } from "./common/write-params.js";
export type { S3Options } from "./connect.js";
export { AccessDeniedError } from "./errors/access-denied-error.js";
export { BucketNotFoundError } from "./errors/bucket-not-found-error.js";
export { ObjectNotFoundError } from "./errors/object-not-found-error.js";
export { PreconditionFailedError } from "./errors/precondition-failed-error.js";
export type { S3ErrorDetails } from "./errors/s3-error.js";
export { isS3Error, S3Error } from "./errors/s3-error.js";
export { S3OperationError } from "./errors/s3-operation-error.js";
export { ValidationError } from "./errors/validation-error.js";
export type { EntryOptions } from "./listing/entries.js";
export type { FolderOptions } from "./listing/folders.js";
export type { ListOptions } from "./listing/iter-list.js";
export type { VersionSummary, VersionsOptions } from "./listing/iter-versions.js";
export type { BucketInfo } from "./listing/list-buckets.js";
export type { ObjectSummary } from "./listing/object-summary.js";
export { attachmentDisposition } from "./objects/attachment-disposition.js";
export type { ContentDispositionOptions } from "./objects/content-disposition.js";
export { contentDisposition } from "./objects/content-disposition.js";
export type { CopyOptions } from "./objects/copy-options.js";
export type { CopyObjectResult } from "./objects/copy-plan.js";
export type { DeleteOptions } from "./objects/delete.js";
export type { GetOptions } from "./objects/get.js";
export type { GetRangesOptions } from "./objects/get-ranges.js";
export type { ExistsOptions, HeadOptions } from "./objects/head.js";
export type { LinesOptions } from "./objects/lines.js";
export type {
  PresignGetOptions,
  PresignOptions,
  PresignPutOptions,
} from "./objects/presign-options.js";
export type { PresignedPost } from "./objects/presign-post.js";
export type { PresignPostOptions } from "./objects/presign-post-options.js";
export type { JsonDocument, PutBody } from "./objects/put.js";
export type { RespondOptions } from "./objects/respond-options.js";
export type { RestoreOptions, RestoreResult } from "./objects/restore.js";
export type { TagOptions } from "./objects/tags.js";
export type { CreateBucketOptions, DeleteBucketOptions } from "./s3.js";
export { S3 } from "./s3.js";
export type { CorsOptions } from "./settings/cors.js";
export type { BucketFactOptions } from "./settings/head-bucket.js";
export type { VersioningOptions, VersioningState } from "./settings/versioning.js";
export type { DirTransferResult, TransferredFile } from "./transfers/dir-transfer-result.js";
export type { DownloadResult } from "./transfers/download.js";
export type { DownloadDirOptions } from "./transfers/download-dir-options.js";
export type { DownloadOptions } from "./transfers/download-options.js";
export type { ObjectInfo } from "./transfers/head-object.js";
export type {
  ContentRange,
  NotModified,
  OpenedObject,
  OpenResult,
} from "./transfers/open.js";
export type { OpenOptions, StreamOptions } from "./transfers/resolve-stream-options.js";
export type { UploadSource } from "./transfers/sources/open-source.js";
export type { UploadDirOptions } from "./transfers/upload-dir-options.js";
export type { UploadOptions } from "./transfers/upload-options.js";
