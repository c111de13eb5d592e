"""Where the DMN TCK corpus lives, for the tests that read it.

The corpus sits in `shared/conformance/` beside the checkout (CI clones the repo with shared/
beside it); FEELISH_TCK_CORPUS may point elsewhere.  Without it, a developer's run skips those
tests with the reason shown, but a CI run (CI=true) fails: the corpus must never go missing
silently there.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "dmn-tck-feel.jsonl"
CORPUS = Path(os.environ.get("FEELISH_TCK_CORPUS", DEFAULT))


def require_corpus() -> Path:
    if CORPUS.exists():
        return CORPUS
    message = f"the DMN TCK corpus is missing: {CORPUS} (set FEELISH_TCK_CORPUS)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
