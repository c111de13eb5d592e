"""The test cases shipped with the built-in connectors and the examples pass, offline."""
from __future__ import annotations

from pathlib import Path

import pytest

from feelish.templates.testcases import find_files, load_file, run_case

ROOT = Path(__file__).resolve().parents[3]
FILES = find_files([ROOT / "connectors", ROOT / "examples"])
CASES = [(f, i) for f in FILES for i in range(len(load_file(f).cases))]


def test_every_built_in_connector_and_example_has_cases():
    names = {f.name.removesuffix(".tests.json") for f in FILES}
    connectors = {p.stem for p in (ROOT / "connectors").glob("*.feelish")}
    examples = {p.stem for p in (ROOT / "examples" / "templates").glob("*.feelish")}
    assert connectors | examples <= names


@pytest.mark.parametrize("path, index", CASES, ids=[f"{p.name}-{i}" for p, i in CASES])
def test_shipped_case(path, index):
    test_file = load_file(path)
    result = run_case(test_file.template, test_file.cases[index], file=str(path), base=path.parent)
    assert result.passed, result.message
