/** S3's multipart limits, shared by uploads, downloads and copies. */

export const MiB = 1024 * 1024;
/** S3's smallest part (except the last one). */
export const MIN_PART_SIZE = 5 * MiB;
/** S3's largest part. */
export const MAX_PART_SIZE = 5 * 1024 * MiB;
/** S3's largest object written in one request (PUT or POST), as large as a part. */
export const MAX_SINGLE_UPLOAD = MAX_PART_SIZE;
/**
 * S3's largest object: 50 TB since December 2025 (5 TiB before; many S3-compatible stores
 * still refuse more, and say so themselves). 10,000 parts of at most 5 GiB carry it.
 */
export const MAX_OBJECT_SIZE = 50 * 1000 ** 4;
/** S3's most parts in one multipart upload. */
export const MAX_PARTS = 10_000;
/**
 * Default part size of uploads: `npm run bench:sweep` (bench/sweep.md) measured 16 MiB parts
 * 1.2–1.3× faster than 8 MiB at the same concurrency, from a file and from a stream, while
 * an upload from a stream holds (concurrency + 1) × 16 MiB at most.
 */
export const DEFAULT_UPLOAD_PART_SIZE = 16 * MiB;
/** Default part size (bytes per ranged GET) of downloads: larger parts measured no faster. */
export const DEFAULT_DOWNLOAD_PART_SIZE = 8 * MiB;

/** The part size for `size` bytes: the requested one, grown to stay within 10,000 parts. */
export function fitPartSize(requested: number, size: number | undefined): number {
  if (size === undefined) return requested;
  const needed = Math.ceil(Math.ceil(size / MAX_PARTS) / MiB) * MiB;
  return Math.min(MAX_PART_SIZE, Math.max(requested, needed));
}
