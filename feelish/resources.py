"""Where the package data (`grammar/`, `connectors/`) lives: beside the package in a checkout or an
editable install, under `feelish/_data/` in a wheel."""
from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder `name` ("grammar" or "connectors"), from a wheel or from a checkout."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"feelish package data folder {name!r} is missing from the installation")


def grammar_text(filename: str) -> str:
    return (data_dir("grammar") / filename).read_text(encoding="utf-8")
