"""Issue 10, item 16: the DMN TCK runner never skips silently when the corpus is absent."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.corpus import NAME, ROOT, candidates, locate


def _pytest(tmp_path, corpus: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FEELISH_TCK_CORPUS": corpus}
    env.pop("CI", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "tests/conformance/test_tck.py"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_a_missing_corpus_fails_naming_the_variable_and_the_paths(tmp_path):
    missing = tmp_path / "nowhere" / NAME
    proc = _pytest(tmp_path, str(missing))
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "FEELISH_TCK_CORPUS" in proc.stdout and str(missing) in proc.stdout and "test_tck_corpus" in proc.stdout


def test_skipping_is_only_on_purpose(tmp_path):
    proc = _pytest(tmp_path, "skip")
    assert proc.returncode == 0 and "SKIPPED" in proc.stdout and "on purpose" in proc.stdout


def test_the_corpus_is_found_beside_the_main_checkout_of_a_worktree(tmp_path):
    main, worktree = tmp_path / "work" / "main", tmp_path / "elsewhere" / "wt"
    (main / ".git" / "worktrees" / "wt").mkdir(parents=True)
    (main / ".git" / "worktrees" / "wt" / "commondir").write_text("../..\n")
    worktree.mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {main / '.git' / 'worktrees' / 'wt'}\n")
    corpus = tmp_path / "work" / "shared" / "conformance" / NAME
    assert locate(worktree) is None
    corpus.parent.mkdir(parents=True)
    corpus.write_text("{}\n")
    assert locate(worktree) == corpus
    assert candidates(worktree, str(corpus.parent))[0] == corpus  # a folder is accepted too
    assert isinstance(locate(), Path)  # and this checkout finds its own
