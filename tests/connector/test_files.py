"""Files the runtime reads (issue 9): certificate, key and upload paths must be regular files
under the runtime's allowed roots (a `pathlib.Path` from the host is trusted), opened without
blocking and read with a size cap; a dry run refuses what the run would refuse."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from feelish import Connector, ConnectorError, Literal, Runtime


@pytest.fixture
def roots(tmp_path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    fifo = allowed / "pipe.pem"
    os.mkfifo(fifo)
    return allowed, outside, fifo


@pytest.fixture
def runtime(roots, tmp_path):
    with Runtime(trust_env=False, file_roots=[roots[0]], document_folder=tmp_path / "docs") as rt:
        yield rt


def _make(runtime, **fields):
    return Connector.from_mapping({"url": Literal("https://127.0.0.1:9/x"), "connectionTimeoutInSeconds": 2,
                                   "readTimeoutInSeconds": 2, **fields}, runtime=runtime)


def _refused(connector, variables=None, *, dry=False) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        (connector.dry_run if dry else connector.run)(variables or {})
    assert caught.value.code == "INPUT_ERROR"
    return caught.value


@pytest.mark.parametrize("field", ["caCertificate", "clientCertificate"])
def test_a_fifo_is_refused_not_waited_on(runtime, roots, field):
    _, _, fifo = roots
    for value in (str(fifo), fifo):  # a path text from a variable, and a host Path
        error = _refused(_make(runtime, **{field: "path"}), {"path": value})
        assert "not a regular file" in error.message and error.field == field


def test_a_certificate_path_outside_the_roots_is_refused(runtime, roots, tls_material):
    _, outside, _ = roots
    copy = outside / "ca.pem"
    copy.write_text(tls_material.ca_text)
    error = _refused(_make(runtime, caCertificate="path"), {"path": str(copy)})
    assert "outside" in error.message and error.field == "caCertificate"


def test_a_certificate_path_under_the_roots_is_used(runtime, roots, tls_material, tls_url):
    allowed, _, _ = roots
    copy = allowed / "ca.pem"
    copy.write_text(tls_material.ca_text)
    connector = Connector.from_mapping({"url": Literal(tls_url + "/x"), "caCertificate": "path"},
                                       runtime=runtime)
    assert connector.run({"path": str(copy)}).response["status"] == 200


def test_an_oversized_certificate_file_is_refused(runtime, roots):
    allowed, _, _ = roots
    big = allowed / "big.pem"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    error = _refused(_make(runtime, caCertificate="path"), {"path": str(big)})
    assert "larger than" in error.message


@pytest.mark.parametrize("dry", [False, True], ids=["run", "dry run"])
def test_an_upload_from_a_fifo_is_refused_by_the_run_and_the_dry_run(runtime, roots, dry):
    _, _, fifo = roots
    document = {"kind": "document", "path": str(fifo), "size": 0, "contentType": "text/plain",
                "filename": "pipe.pem"}
    multipart = _make(runtime, method='"POST"', body="{file: doc}",
                      contentType='"multipart/form-data"')
    assert "not a regular file" in _refused(multipart, {"doc": document}, dry=dry).message
    whole = _make(runtime, method='"POST"', body="doc")
    assert "not a regular file" in _refused(whole, {"doc": document}, dry=dry).message


@pytest.mark.parametrize("dry", [False, True], ids=["run", "dry run"])
def test_an_upload_outside_the_roots_is_refused_by_the_run_and_the_dry_run(runtime, roots, dry):
    _, outside, _ = roots
    secret = outside / "secret.txt"
    secret.write_text("not for upload")
    document = {"kind": "document", "path": str(secret), "size": 14, "contentType": "text/plain",
                "filename": "secret.txt"}
    multipart = _make(runtime, method='"POST"', body="{file: doc}",
                      contentType='"multipart/form-data"')
    assert "outside" in _refused(multipart, {"doc": document}, dry=dry).message


def test_a_host_path_upload_is_trusted(runtime, roots, fault_url):
    _, outside, _ = roots
    data = outside / "data.bin"
    data.write_bytes(b"\x00\x01payload")
    connector = Connector.from_mapping({"url": Literal(fault_url + "/echo"), "method": '"POST"',
                                        "body": Literal(data)}, runtime=runtime)
    assert connector.run({}).response["status"] == 200
    assert isinstance(data, Path)
