"""The benchmark's Python peers: one transfer of one object with boto3 (s3transfer) or obstore.

Started by scripts/bench/peers/python-peer.ts with a JSON task in S3KIT_BENCH_PY_TASK:
  lib: "boto3" | "obstore"; op: "download" | "stream" | "upload-file" | "upload-stream";
  endpoint, region, accessKeyId, secretAccessKey, bucket, key; path (the local file);
  hash (SHA-256 what a stream read); threads (boto3's TransferConfig.max_concurrency).
Prints one JSON line: seconds (the transfer alone: interpreter start, imports, client setup
and a warm-up request come before the clock starts), bytes, sha256 (stream with hash), and
baselineRss / peakRss (bytes, VmRSS before the transfer and VmHWM after it).
"""

import hashlib
import json
import os
import sys
import time

CHUNK = 1024 * 1024


def status_bytes(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


class Counter:
    """Counts (and hashes) what it is given."""

    def __init__(self, hashing):
        self.bytes = 0
        self.hash = hashlib.sha256() if hashing else None

    def write(self, data):
        self.bytes += len(data)
        if self.hash:
            self.hash.update(data)
        return len(data)

    def digest(self):
        return self.hash.hexdigest() if self.hash else None


class Stream:
    """A file seen only through read(): an upload source of unknown length."""

    def __init__(self, file):
        self.file = file

    def read(self, size=-1):
        return self.file.read(size)

    def seekable(self):
        return False


def boto3_transfer(task):
    import boto3
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config

    threads = task["threads"]
    client = boto3.client(
        "s3",
        endpoint_url=task["endpoint"],
        region_name=task["region"],
        aws_access_key_id=task["accessKeyId"],
        aws_secret_access_key=task["secretAccessKey"],
        config=Config(
            s3={"addressing_style": "path"},
            max_pool_connections=threads + 2,
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )
    config = TransferConfig(max_concurrency=threads, use_threads=True)
    bucket, key, path = task["bucket"], task["key"], task["path"]
    client.head_bucket(Bucket=bucket)
    op = task["op"]

    def run():
        if op == "download":
            client.download_file(bucket, key, path, Config=config)
        elif op == "stream":
            # One GET, as s3kit's stream() and obstore's: s3transfer's download_fileobj into a
            # non-seekable sink hung here (all threads waiting) on a 1 GiB object.
            sink = Counter(task["hash"])
            for chunk in client.get_object(Bucket=bucket, Key=key)["Body"].iter_chunks(CHUNK):
                sink.write(chunk)
            return sink
        elif op == "upload-file":
            client.upload_file(path, bucket, key, Config=config)
        elif op == "upload-stream":
            with open(path, "rb") as file:
                client.upload_fileobj(Stream(file), bucket, key, Config=config)
        else:
            raise ValueError("unknown op " + op)
        return None

    return run


def file_chunks(path):
    with open(path, "rb") as file:
        while True:
            chunk = file.read(CHUNK)
            if not chunk:
                return
            yield chunk


def obstore_transfer(task):
    import obstore
    from obstore.store import S3Store

    store = S3Store(
        task["bucket"],
        endpoint=task["endpoint"],
        region=task["region"],
        access_key_id=task["accessKeyId"],
        secret_access_key=task["secretAccessKey"],
        virtual_hosted_style_request=False,
        client_options={"allow_http": True},
    )
    key, path, op = task["key"], task["path"], task["op"]
    # One request before the clock, as boto3 has: the connection and the lazy setup.
    obstore.list(store, prefix="s3kit-bench-warm-up/", chunk_size=1).collect()

    def run():
        if op in ("download", "stream"):
            result = obstore.get(store, key)
            if op == "stream":
                sink = Counter(task["hash"])
                for chunk in result.stream():
                    sink.write(memoryview(chunk))
                return sink
            with open(path, "wb") as file:
                for chunk in result.stream():
                    file.write(memoryview(chunk))
        elif op == "upload-file":
            with open(path, "rb") as file:
                obstore.put(store, key, file)
        elif op == "upload-stream":
            obstore.put(store, key, file_chunks(path))
        else:
            raise ValueError("unknown op " + op)
        return None

    return run


def main():
    task = json.loads(os.environ["S3KIT_BENCH_PY_TASK"])
    run = (boto3_transfer if task["lib"] == "boto3" else obstore_transfer)(task)
    baseline = status_bytes("VmRSS")
    start = time.perf_counter()
    sink = run()
    seconds = time.perf_counter() - start
    report = {
        "seconds": seconds,
        "baselineRss": baseline,
        "peakRss": status_bytes("VmHWM"),
        "bytes": sink.bytes if sink else None,
        "sha256": sink.digest() if sink else None,
    }
    sys.stdout.write(json.dumps(report) + "\n")


if __name__ == "__main__":
    main()
