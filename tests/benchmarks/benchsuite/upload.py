"""Section 11: uploading a large model file (issue 17): memory stays bounded, whatever the file's size.

A ``ModelVersion`` with a local file of 200 MB (40 MB in quick mode) is created against the emulator, whose blob
endpoint stores it on disk. The uploading side runs in its own process, so its peak RSS (``ru_maxrss``) is its
alone: the emulator runs in this process. The figures: the uploader's peak RSS, its growth over the same process
just before the upload (imports and client set up), the time to hash the file in the program and the upload's
throughput. Nothing is asserted: the numbers are printed (the upload sends 4 MiB blocks read from disk, so the
growth should stay in the tens of MB, not the size of the file).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from benchsuite.common import INFO, REPO_ROOT, Budget, Row, SectionResult

SUBSCRIPTION = "00000000-0000-0000-0000-0000000000b1"
RESOURCE_GROUP = "rg-bench-upload"
WORKSPACE = "mlw-bench-upload"

_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pulumi_azureml.provider import AzureMLProvider
    from pulumi_azureml.settings import Settings
    from pulumi_azureml.uploads import hash_path

    config, path = json.loads(sys.argv[1]), sys.argv[2]
    provider = AzureMLProvider("ModelVersion")
    provider.use_settings(Settings(config, environ={}))
    started = time.perf_counter()
    digest = hash_path(path)
    hashed = time.perf_counter() - started
    inputs = provider.check({}, {"name": "big", "path": path, "content_hash": digest}).inputs
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    outs = provider.create(inputs).outs
    uploaded = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"before_kib": before, "peak_kib": peak, "hash_s": hashed, "create_s": uploaded,
                      "asset_uri": outs["asset_uri"]}))
    """
)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def run(budget: Budget) -> SectionResult:
    from pulumi_azureml.emulator import EmulatorServer

    result = SectionResult("upload", "Large model upload: peak memory of the uploading process")
    size_mb = 40 if budget.quick else 200
    with tempfile.TemporaryDirectory(prefix="azureml-bench-upload-") as scratch:
        model = Path(scratch) / "model.bin"
        chunk = os.urandom(1024 * 1024)
        with model.open("wb") as handle:
            for index in range(size_mb):
                handle.write(chunk[index % 7 :] + chunk[: index % 7])
        with EmulatorServer(db_path=Path(scratch) / "emulator.db") as emulator:
            emulator.start()
            emulator.ensure_workspace(SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE, "eastus")
            config = {
                "azureml:endpoint": emulator.url,
                "azureml:accessToken": "bench-token",
                "azureml:subscriptionId": SUBSCRIPTION,
                "azureml:resourceGroupName": RESOURCE_GROUP,
                "azureml:workspaceName": WORKSPACE,
                "azureml:pollIntervalSeconds": "0",
            }
            environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "provider")}
            completed = subprocess.run(
                [sys.executable, "-c", _CHILD, json.dumps(config), str(model)],
                capture_output=True,
                text=True,
                timeout=1800,
                env=environment,
                check=False,
            )
            if completed.returncode != 0:
                raise RuntimeError(f"the uploading process failed: {completed.stderr.strip()[-500:]}")
            figures = json.loads(completed.stdout.strip().splitlines()[-1])
            [stored_name] = [name for name in emulator.blobs.list_blobs() if name.endswith("/model.bin")]
            account, container, blob_name = stored_name.split("/", 2)
            stored_file = emulator.blobs.blob_file(account, container, blob_name)
            assert stored_file is not None
            stored = os.path.getsize(stored_file)
            same = _sha256(stored_file) == _sha256(str(model))
    size = size_mb * 1024 * 1024
    figures.update({"file_bytes": size, "stored_bytes": stored, "stored_bytes_equal": same})
    result.details.update(figures)
    peak_mb, growth_mb = figures["peak_kib"] / 1024, (figures["peak_kib"] - figures["before_kib"]) / 1024
    seconds = figures["create_s"]
    result.rows += [
        Row("11 upload", f"uploader peak RSS, {size_mb} MB model", f"{peak_mb:.0f} MB", "", INFO),
        Row(
            "11 upload",
            "peak RSS growth during the upload",
            f"{growth_mb:.1f} MB",
            "",
            INFO,
            "4 MiB blocks read from disk: bounded by a few blocks, not by the file",
        ),
        Row(
            "11 upload",
            "hash in the program",
            f"{figures['hash_s']:.2f} s",
            "",
            INFO,
            f"{size_mb / figures['hash_s']:.0f} MB/s",
        ),
        Row("11 upload", "create (upload + register)", f"{seconds:.2f} s", "", INFO, f"{size_mb / seconds:.0f} MB/s"),
        Row(
            "11 upload",
            "bytes stored by the emulator",
            f"{stored}",
            "",
            INFO,
            "equal to the file" if stored == size else "DIFFERENT",
        ),
    ]
    return result
