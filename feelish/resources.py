"""Where the package data (`grammar/`, `connectors/`) lives: beside the package in a checkout or an
editable install, under `feelish/_data/` in a wheel."""
from __future__ import annotations

import os
from functools import cache

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from pathlib import Path

_PACKAGE = os.path.dirname(os.path.realpath(__file__))


@cache
def _folder(name: str) -> str:
    for candidate in (os.path.join(_PACKAGE, "_data", name),
                      os.path.join(os.path.dirname(_PACKAGE), name)):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(f"feelish package data folder {name!r} is missing from the installation")


def data_dir(name: str) -> Path:
    """The folder `name` ("grammar" or "connectors"), from a wheel or from a checkout."""
    from pathlib import Path  # os.path on the way to the parser tables: a short start skips pathlib

    return Path(_folder(name))


def data_file(folder: str, filename: str) -> str:
    """The path of `filename` in the data folder `folder` (as text: no pathlib import)."""
    return os.path.join(_folder(folder), filename)


def grammar_text(filename: str) -> str:
    with open(data_file("grammar", filename), encoding="utf-8") as fh:
        return fh.read()
