export type { CopyManyOptions, CopyPair } from "./batch/copy-many.js";
export type { DeleteManyOptions } from "./batch/delete-many.js";
export type { CopyFailure, CopyResult, DeleteFailure, DeleteResult } from "./batch/results.js";
export type {
  AbortedUpload,
  AbortUploadsOptions,
  AbortUploadsResult,
} from "./bucket/abort-uploads.js";
export type { BucketOptions } from "./bucket/bucket.js";
export { Bucket } from "./bucket/bucket.js";
export type { CopyObjectResult, CopyOptions } from "./bucket/copy.js";
export type { ScopeDefaults } from "./bucket/defaults.js";
export type { DeleteOptions } from "./bucket/delete.js";
export type {
  DirTransferResult,
  DownloadDirOptions,
  TransferredFile,
  UploadDirOptions,
} from "./bucket/directories.js";
export type { DownloadOptions, DownloadResult } from "./bucket/download.js";
export type { GetOptions } from "./bucket/get.js";
export type { ByteRange } from "./bucket/get-object.js";
export type { ExistsOptions, HeadOptions, ObjectInfo } from "./bucket/head.js";
export type { LinesOptions } from "./bucket/lines.js";
export type { FolderOptions, ListOptions, ObjectSummary } from "./bucket/list.js";
export type {
  PresignedPost,
  PresignOptions,
  PresignPostOptions,
} from "./bucket/presign.js";
export { attachmentDisposition } from "./bucket/presign.js";
export type { OnProgress, Progress } from "./bucket/progress.js";
export type { JsonDocument, PutBody, PutOptions, PutResult } from "./bucket/put.js";
export type { PrefixOptions } from "./bucket/scope.js";
export { Scope } from "./bucket/scope.js";
export type { StreamOptions } from "./bucket/stream.js";
export type { TagOptions, Tags } from "./bucket/tags.js";
export type { UploadOptions, UploadSource } from "./bucket/upload.js";
export type { WriteOptions } from "./bucket/write-options.js";
export type { Logger } from "./client/logger.js";
export { AccessDeniedError } from "./errors/access-denied-error.js";
export { BucketNotFoundError } from "./errors/bucket-not-found-error.js";
export { ObjectNotFoundError } from "./errors/object-not-found-error.js";
export { PreconditionFailedError } from "./errors/precondition-failed-error.js";
export type { S3ErrorDetails } from "./errors/s3-error.js";
export { isS3Error, S3Error } from "./errors/s3-error.js";
export { S3OperationError } from "./errors/s3-operation-error.js";
export { ValidationError } from "./errors/validation-error.js";
export { Prefix } from "./prefix/prefix.js";
export type { BucketInfo, CreateBucketOptions, DeleteBucketOptions, S3Options } from "./s3.js";
export { S3 } from "./s3.js";
