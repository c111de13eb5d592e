"""The example API (examples/api_server.py) on 127.0.0.1: one per session, shared by the template,
CLI, REPL and packaging tests (their conftest.py files import this fixture)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_example_api():
    spec = importlib.util.spec_from_file_location("feelish_example_api", ROOT / "examples" / "api_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def example_api():
    api = load_example_api().RunningApi()
    yield api
    api.close()
