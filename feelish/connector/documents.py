"""Files the runtime reads (uploads) and writes (downloads that should not live in memory), each
described by a plain document context; reads are confined to the folders the runtime allows."""
from __future__ import annotations

import os
import re
import tempfile
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path

from ..errors import ConnectorError

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class Documents:
    def __init__(self, folder: str | os.PathLike | None = None, roots=()):
        self._folder = Path(folder) if folder is not None else None
        self._roots = tuple(Path(r).resolve() for r in roots)
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="feelish-documents-"))
            self._folder.mkdir(parents=True, exist_ok=True)
            return self._folder

    def new_path(self, filename: str | None) -> Path:
        name = re.sub(r"\.{2,}", ".", _SAFE_NAME.sub("_", Path(filename or "").name))[-80:].lstrip(".")
        name = name or "document"
        return self.folder / f"{uuid.uuid4().hex[:12]}-{name}"

    def check(self, value) -> Path:
        """The path of a document context or a host Path, after the confinement check."""
        if isinstance(value, Path):
            path = value
        else:
            raw = value.get("path") if isinstance(value, Mapping) else None
            if not isinstance(raw, str) or not raw:
                raise ConnectorError("INPUT_ERROR", "a document needs a path", field="body")
            path = Path(raw).resolve()
            allowed = (self.folder.resolve(), *self._roots)
            if not any(path == root or root in path.parents for root in allowed):
                raise ConnectorError("INPUT_ERROR", f"document {path.name!r} lies outside the "
                                     "document folder and the allowed file roots", field="body")
        if not path.is_file():
            raise ConnectorError("INPUT_ERROR", f"document file {path.name!r} does not exist",
                                 field="body")
        return path

    def read(self, value) -> bytes:
        return self.check(value).read_bytes()
