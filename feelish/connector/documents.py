"""Files the runtime reads (uploads, certificates, keys) and writes (downloads that should not live
in memory), each described by a plain document context; reads are confined to the folders the
runtime allows (a host `pathlib.Path` is trusted), to regular files opened without blocking, and
read with a size cap."""
from __future__ import annotations

import os
import re
import stat
import tempfile
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path

from ..errors import ConnectorError

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

#: the most a certificate or key file may hold
PEM_MAX_BYTES = 1024 * 1024
#: the most a file embedded in a JSON body (base64) may hold; uploads otherwise stream
INLINE_FILE_MAX_BYTES = 50 * 1024 * 1024


def open_regular(path: Path, field: str = "body"):
    """Open a regular file for reading without ever blocking on a FIFO or a device."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ConnectorError("INPUT_ERROR", f"file {path.name!r} cannot be opened "
                             f"({exc.strerror or exc.__class__.__name__})", field=field) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ConnectorError("INPUT_ERROR", f"{path.name!r} is not a regular file", field=field)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_capped(path: Path, limit: int, field: str) -> bytes:
    with open_regular(path, field) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ConnectorError("INPUT_ERROR", f"file {path.name!r} is larger than {limit} bytes",
                             field=field)
    return data


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

    def check(self, value, field: str = "body") -> Path:
        """The path of a document context, a path text or a host Path, after the confinement
        check (host Paths are trusted) and the regular-file check."""
        if isinstance(value, Path):
            path = value
        else:
            raw = value.get("path") if isinstance(value, Mapping) else value
            if not isinstance(raw, str) or not raw:
                raise ConnectorError("INPUT_ERROR", "a document needs a path", field=field)
            path = Path(raw).resolve()
            allowed = (self.folder.resolve(), *self._roots)
            if not any(path == root or root in path.parents for root in allowed):
                raise ConnectorError("INPUT_ERROR", f"file {path.name!r} lies outside the "
                                     "document folder and the allowed file roots", field=field)
        try:
            mode = path.stat().st_mode
        except OSError:
            raise ConnectorError("INPUT_ERROR", f"file {path.name!r} does not exist",
                                 field=field) from None
        if not stat.S_ISREG(mode):
            raise ConnectorError("INPUT_ERROR", f"{path.name!r} is not a regular file", field=field)
        return path

    def read(self, value) -> bytes:
        return read_capped(self.check(value), INLINE_FILE_MAX_BYTES, "body")

    def pem(self, value, field: str) -> str:
        """A certificate or key: PEM text as given, or read (capped) from a confined path."""
        if isinstance(value, str) and "-----BEGIN" in value:
            return value
        data = read_capped(self.check(value, field), PEM_MAX_BYTES, field)
        return data.decode("ascii", errors="replace")
