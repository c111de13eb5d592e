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
    """The document folder: creates download files, remembers them, and deletes them on
    `cleanup()` (the runtime's `close()`, unless it keeps them); a temporary folder it made goes too."""

    def __init__(self, folder: str | os.PathLike | None = None, roots=()):
        self._folder = Path(folder) if folder is not None else None
        self._made_folder = False
        self._roots = tuple(Path(r).resolve() for r in roots)
        self._lock = threading.Lock()
        self._created: set[Path] = set()

    @property
    def folder(self) -> Path:
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="feelish-documents-"))
                self._made_folder = True
            self._folder.mkdir(parents=True, exist_ok=True)
            return self._folder

    def new_path(self, filename: str | None) -> Path:
        name = re.sub(r"\.{2,}", ".", _SAFE_NAME.sub("_", Path(filename or "").name))[-80:].lstrip(".")
        name = name or "document"
        path = self.folder / f"{uuid.uuid4().hex[:12]}-{name}"
        with self._lock:
            self._created.add(path)
        return path

    @property
    def created(self) -> frozenset[Path]:
        """The document files this folder object wrote that still exist."""
        with self._lock:
            return frozenset(p for p in self._created if p.exists())

    def cleanup(self) -> int:
        """Delete every document file created here (and the temporary folder, if made here and
        now empty); returns how many files were deleted."""
        with self._lock:
            created, self._created = self._created, set()
            folder = self._folder if self._made_folder else None
        deleted = 0
        for path in created:
            try:
                path.unlink()
                deleted += 1
            except FileNotFoundError:
                pass
        if folder is not None:
            try:
                folder.rmdir()
            except OSError:
                pass
        return deleted

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
