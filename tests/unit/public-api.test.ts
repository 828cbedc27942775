import { resolve } from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";

// The names a user can import, types included: a layout change must not add or drop one.
const PUBLIC_NAMES =
  `AbortUploadsOptions AbortUploadsResult AbortedUpload AccessDeniedError Bucket BucketInfo
BucketNotFoundError BucketOptions ByteRange ChecksumName CopyFailure CopyManyOptions CopyObjectResult CopyOptions
CopyPair CopyResult CorsMethod CorsOptions CorsRule CreateBucketOptions DeleteBucketOptions DeleteFailure DeleteManyOptions
DeleteOptions DeleteResult DirTransferResult DownloadDirOptions DownloadOptions DownloadResult
ExistsOptions FolderOptions GetOptions HeadOptions JsonDocument LinesOptions ListOptions Logger
NodeReadable ObjectChecksums ObjectInfo ObjectNotFoundError ObjectSummary OnProgress PreconditionFailedError Prefix
PrefixOptions PresignGetOptions PresignOptions PresignPostOptions PresignPutOptions PresignedPost
Progress PutBody PutOptions PutResult S3 S3Error S3ErrorDetails S3OperationError S3Options Scope
ScopeDefaults StreamOptions TagOptions
ExactRange GetRangesOptions Entry EntryOptions FolderEntry ObjectEntry
Tags TransferredFile UploadDirOptions UploadOptions UploadSource ValidationError WriteOptions
attachmentDisposition isS3Error ContentDispositionOptions ContentRange NotModified OpenOptions
OpenResult OpenedObject RespondOptions SuffixRange contentDisposition
BucketFactOptions CannedAcl
RestoreOptions RestoreResult VersionSummary VersionsOptions
VersioningOptions VersioningState
CustomerKeyOption SseCustomerKey sseCustomerHeaders`.split(/\s+/);

it("exports the same public names, types included", () => {
  const entry = resolve(import.meta.dirname, "../../src/index.ts");
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noResolve: false,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const module = source && checker.getSymbolAtLocation(source);
  expect(module).toBeDefined();
  const names = checker.getExportsOfModule(module as ts.Symbol).map((symbol) => symbol.name);
  expect(names.sort()).toEqual([...PUBLIC_NAMES].sort());
});
