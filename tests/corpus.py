"""Where the DMN TCK corpus lives, for the tests that read it.

The corpus (`dmn-tck-feel.jsonl`) is not part of the repository.  It is found, in this order:
1. `FEELISH_TCK_CORPUS`: a path to the file (or to the folder holding it); when set, the only one;
2. `shared/conformance/` beside the checkout (`../shared/conformance/` from the repository root);
3. `shared/conformance/` beside the main checkout when this one is a git worktree elsewhere.
When none has it, the tests that need it FAIL with the paths tried and the variable to set: a fresh
clone never skips the conformance run silently.  `FEELISH_TCK_CORPUS=skip` skips them on purpose
(the skip reason says so).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

NAME = "dmn-tck-feel.jsonl"
ROOT = Path(__file__).resolve().parents[1]


def _main_checkout(root: Path) -> Path | None:
    """The main checkout of a git worktree (`.git` is then a file naming the worktree's git dir)."""
    marker = root / ".git"
    if not marker.is_file():
        return None
    text = marker.read_text(encoding="utf-8", errors="replace").strip()
    if not text.startswith("gitdir:"):
        return None
    gitdir = (root / text.partition(":")[2].strip()).resolve()
    common = gitdir / "commondir"
    if common.is_file():
        gitdir = (gitdir / common.read_text(encoding="utf-8").strip()).resolve()
    return gitdir.parent if gitdir.name == ".git" else None


def candidates(root: Path = ROOT, env: str | None = None) -> list[Path]:
    if env:  # set: the only place looked at
        path = Path(env).expanduser()
        return [path / NAME if path.is_dir() else path]
    found = []
    found.append(root.parent / "shared" / "conformance" / NAME)
    main = _main_checkout(root)
    if main is not None:
        found.append(main.parent / "shared" / "conformance" / NAME)
    return found


def locate(root: Path = ROOT, env: str | None = None) -> Path | None:
    return next((path for path in candidates(root, env) if path.is_file()), None)


_ENV = os.environ.get("FEELISH_TCK_CORPUS")
_SKIP = (_ENV or "").strip().lower() == "skip"
CORPUS = locate(env=None if _SKIP else _ENV) or candidates(env=None if _SKIP else _ENV)[0]


def require_corpus() -> Path:
    if _SKIP:
        pytest.skip("FEELISH_TCK_CORPUS=skip: the DMN TCK corpus tests are skipped on purpose")
    if CORPUS.is_file():
        return CORPUS
    tried = ", ".join(str(p) for p in candidates(env=_ENV))
    pytest.fail(f"the DMN TCK corpus {NAME} is missing (tried: {tried}); set FEELISH_TCK_CORPUS to "
                f"the file's path (or to skip, on purpose, FEELISH_TCK_CORPUS=skip)", pytrace=False)
