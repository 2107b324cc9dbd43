"""Which local files an asset uploads (ignore files as Azure's tools read them), their hash, and the blob client's
retries and refusals, without a network or a sleep."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_azureml.arm.blob import BlobUploader, UploadError, blob_service_url, container_sas, hide_sas
from pulumi_azureml.uploads import LocalPathError, collect, content_hash, hash_path, upload


def tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def names(root: Path) -> list[str]:
    return [item.relative for item in collect(str(root))]


def test_gitignore_patterns_as_azure_tools_read_them(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            ".gitignore": "# comment\n*.log\n!keep.log\n/build/\ndocs/**/*.tmp\ncache/\nsecret?.txt\n",
            "a.py": "",
            "run.log": "",
            "keep.log": "",
            "build/out.bin": "",
            "src/build/kept.py": "",  # /build/ is anchored to the root
            "docs/x/y/z.tmp": "",
            "docs/x/y/z.md": "",
            "src/cache/c.py": "",  # cache/ matches at any depth
            "secret1.txt": "",
            "secret12.txt": "",
        },
    )
    assert names(root) == [
        ".gitignore",
        "a.py",
        "docs/x/y/z.md",
        "keep.log",
        "secret12.txt",
        "src/build/kept.py",
    ]


def test_amlignore_wins_over_gitignore(tmp_path: Path) -> None:
    root = tree(tmp_path, {".gitignore": "*.py\n", ".amlignore": "*.txt\n", "a.py": "", "b.txt": ""})
    assert names(root) == [".amlignore", ".gitignore", "a.py"]


def test_a_file_is_itself_and_missing_or_empty_paths_are_refused(tmp_path: Path) -> None:
    single = tmp_path / "model.pkl"
    single.write_bytes(b"x")
    assert names(single) == ["model.pkl"]
    with pytest.raises(LocalPathError, match="does not exist"):
        collect(str(tmp_path / "nope"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(LocalPathError, match="no file"):
        collect(str(empty))


def test_the_hash_follows_content_and_names_not_location_or_time(tmp_path: Path) -> None:
    first = tree(tmp_path / "one", {"a.py": "1", "sub/b.py": "2"})
    second = tree(tmp_path / "two", {"a.py": "1", "sub/b.py": "2"})
    assert hash_path(str(first)) == hash_path(str(second))
    assert hash_path(str(first)).startswith("sha256:")
    (second / "sub" / "b.py").write_text("3")
    assert hash_path(str(first)) != hash_path(str(second))
    renamed = tree(tmp_path / "three", {"a.py": "1", "sub/c.py": "2"})
    assert hash_path(str(first)) != hash_path(str(renamed))
    # Moving bytes from one file to another changes it too (sizes are part of the hash).
    shifted = tree(tmp_path / "four", {"a.py": "12", "sub/b.py": ""})
    assert content_hash(collect(str(shifted))) != hash_path(
        str(tree(tmp_path / "five", {"a.py": "1", "sub/b.py": "2"}))
    )


class FakeSession:
    """Answers storage requests from a script; records them."""

    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, str, int, dict[str, str]]] = []
        self.headers: dict[str, str] = {"Authorization": "Bearer must-be-dropped"}
        self.redirects_allowed: list[bool] = []

    def request(
        self, method: str, url: str, *, data: bytes, headers: dict[str, str], timeout: Any, allow_redirects: bool = True
    ) -> Any:
        self.sent.append((method, url, len(data), dict(headers)))
        self.redirects_allowed.append(allow_redirects)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, extra = answer if isinstance(answer, tuple) else (answer, {})
        response = requests.Response()
        response.status_code, response.headers["x-ms-error-code"] = status, "ServerBusy" if status >= 400 else ""
        response.headers.update(extra)
        return response


SAS = "sv=2022-11-02&sr=c&sp=cw&se=2099-01-01T00%3A00%3A00Z&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D"


def uploader(session: FakeSession, *, block_size: int = 4) -> tuple[BlobUploader, list[float]]:
    slept: list[float] = []
    made = BlobUploader(
        "https://acct.blob.core.windows.net/c/LocalUpload/x",
        SAS,
        session=session,  # type: ignore[arg-type]
        block_size=block_size,
        sleep=slept.append,
    )
    return made, slept


def test_large_files_go_in_blocks_then_a_block_list_and_no_token_is_sent(tmp_path: Path) -> None:
    session = FakeSession([201, 201, 201, 201])
    made, _ = uploader(session)
    data = b"0123456789"
    made.upload_file("dir/f.bin", io.BytesIO(data), len(data), lambda chunk: None)
    assert [url.split("?")[1].split("&")[-1] for _, url, _, _ in session.sent[:3]] == [
        f"blockid={block}"
        for block in ("YmxvY2stMDAwMDAwMDAwMA%3D%3D", "YmxvY2stMDAwMDAwMDAwMQ%3D%3D", "YmxvY2stMDAwMDAwMDAwMg%3D%3D")
    ]
    assert [size for _, _, size, _ in session.sent[:3]] == [4, 4, 2]
    assert "comp=blocklist" in session.sent[3][1]
    assert "Authorization" not in session.headers
    assert all("Authorization" not in headers for _, _, _, headers in session.sent)


def test_retries_transient_failures_then_reports_without_the_sas() -> None:
    session = FakeSession([503, requests.ConnectionError(f"failed https://acct/c/f?{SAS}"), 201])
    made, slept = uploader(session, block_size=100)
    made.upload_file("f", io.BytesIO(b"x"), 1, lambda chunk: None)
    assert slept == [1.0, 2.0]
    refused = FakeSession([403])
    made, slept = uploader(refused, block_size=100)
    with pytest.raises(UploadError) as raised:
        made.upload_file("f", io.BytesIO(b"x"), 1, lambda chunk: None)
    assert slept == []  # a refusal is not retried
    assert "c2VjcmV0" not in str(raised.value) and "sig=" not in str(raised.value)
    assert "run `pulumi up` again" not in str(raised.value)  # ServerBusy is no SAS refusal


def test_a_changed_file_between_hash_and_upload_is_refused(tmp_path: Path) -> None:
    root = tree(tmp_path, {"a.py": "1"})
    expected = hash_path(str(root))
    (root / "a.py").write_text("2")
    made, _ = uploader(FakeSession([201]), block_size=100)
    with pytest.raises(UploadError, match="changed after the program computed"):
        upload(collect(str(root)), made, expected_hash=expected)


def test_plain_http_storage_is_refused_outside_loopback() -> None:
    with pytest.raises(UploadError, match="must use https"):
        BlobUploader("http://acct.blob.core.windows.net/c", SAS)
    BlobUploader("http://127.0.0.1:8080/_blob/acct/c", SAS)


def test_sas_signatures_are_hidden_in_text_and_in_urllib3_log_records(caplog: pytest.LogCaptureFixture) -> None:
    assert hide_sas(f"PUT https://a/b?{SAS} 201") == "PUT https://a/b?" + SAS.split("sig=")[0] + "sig=*** 201"
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        logging.getLogger("urllib3.connectionpool").debug('%s "%s %s" %s', "https://a", "PUT", f"/b?{SAS}", 201)
    assert "c2VjcmV0" not in caplog.text and "sig=***" in caplog.text


def test_service_urls_and_sas_from_a_key() -> None:
    assert blob_service_url("acct", "core.windows.net", "https") == "https://acct.blob.core.windows.net"
    assert blob_service_url("acct", "core.chinacloudapi.cn", "https") == "https://acct.blob.core.chinacloudapi.cn"
    assert blob_service_url("acct", "127.0.0.1:9/_blob", "http") == "http://127.0.0.1:9/_blob/acct"
    emulated = blob_service_url("acct", "core.windows.net", "https", management_endpoint="http://127.0.0.1:7/")
    assert emulated == "http://127.0.0.1:7/_blob/acct"
    real = blob_service_url("acct", "core.windows.net", "https", management_endpoint="https://management.azure.com")
    assert real == "https://acct.blob.core.windows.net"
    sas = container_sas("acct", "c", "a2V5", permissions="cw", expiry=4102444800.0)
    assert "sr=c" in sas and "sp=cw" in sas and "se=2100-01-01T00%3A00%3A00Z" in sas and "sig=" in sas


# -- issue 23: redirects, unpadded keys, log records of every logger -------------------------------------------------


def test_a_redirect_from_storage_is_refused_not_followed() -> None:
    """Before the fix the session followed it (requests' default) and the version was registered without files."""
    session = FakeSession([(307, {"Location": f"https://elsewhere.example/c/f?{SAS}"})])
    made, slept = uploader(session, block_size=100)
    with pytest.raises(UploadError) as raised:
        made.upload_file("f", io.BytesIO(b"x"), 1, lambda chunk: None)
    message = str(raised.value)
    assert "redirect (HTTP 307 to https://elsewhere.example)" in message and "never followed" in message
    assert "c2VjcmV0" not in message and "\n" not in message
    assert session.redirects_allowed == [False] and slept == []


def test_an_unpadded_account_key_is_a_clear_error_not_incorrect_padding() -> None:
    padded = "a2V5LWJ5dGVzLW9mLWEtc3RvcmFnZS1hY2NvdW50LWtleS0xMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OQ=="
    container_sas("acct", "c", padded, permissions="cw", expiry=4102444800.0)
    for bad in (padded.rstrip("="), "not base64!"):
        with pytest.raises(UploadError) as raised:
            container_sas("acct", "c", bad, permissions="cw", expiry=4102444800.0)
        message = str(raised.value)
        assert "not valid base64" in message and "ending with '=='" in message
        assert bad not in message and "Incorrect padding" not in message


@pytest.mark.parametrize(
    "logger", ["urllib3.connection", "urllib3.connectionpool", "urllib3.poolmanager", "requests", "azure.core.x"]
)
def test_sas_signatures_are_hidden_in_records_of_every_logger(logger: str, caplog: pytest.LogCaptureFixture) -> None:
    """urllib3.connection's WARNING "Failed to parse headers (url=...)" had the signature in clear before the fix."""
    with caplog.at_level(logging.DEBUG, logger=logger):
        logging.getLogger(logger).warning("Failed to parse headers (url=%s): %s", f"https://a/b?{SAS}", "boom")
        try:
            raise requests.ConnectionError(f"Max retries exceeded with url: /b?{SAS}")
        except requests.ConnectionError:
            logging.getLogger(logger).exception("request failed")
    assert "Failed to parse headers" in caplog.text and "Max retries exceeded" in caplog.text
    assert "c2VjcmV0" not in caplog.text and "sig=***" in caplog.text


def test_an_unpadded_default_datastore_key_names_the_datastore(tmp_path: Path) -> None:
    """Before the fix: 'unexpected Error: Incorrect padding' from the model/data upload hook."""
    from pulumi_azureml.schema import HookContext
    from pulumi_azureml.specs.assets import MODEL_VERSION

    unpadded = "a2V5LWJ5dGVzLW9mLWEtc3RvcmFnZS1hY2NvdW50LWtleS0xMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OQ"

    class Client:
        endpoint = "https://management.azure.com"

        def list(self, path: str, **options: Any) -> list[dict[str, Any]]:
            properties = {"isDefault": True, "datastoreType": "AzureBlob", "accountName": "a", "containerName": "c"}
            return [{"name": "workspaceblobstore", "properties": properties}]

        def post(self, path: str, **options: Any) -> dict[str, Any]:
            return {"secretsType": "AccountKey", "key": unpadded}

    model = tmp_path / "model.bin"
    model.write_bytes(b"weights")
    inputs = {
        "subscription_id": "s",
        "resource_group_name": "g",
        "workspace_name": "w",
        "name": "m",
        "version": "1",
        "path": str(model),
        "content_hash": hash_path(str(model)),
    }
    context = HookContext(Client(), "/x", "2025-12-01", inputs, 60.0, "creating model version")  # type: ignore[arg-type]
    assert MODEL_VERSION.before_create is not None
    with pytest.raises(UploadError) as raised:
        MODEL_VERSION.before_create(context, {})
    message = str(raised.value)
    assert message.startswith("creating model version: the default datastore workspaceblobstore: the account key")
    assert "not valid base64" in message and unpadded not in message
