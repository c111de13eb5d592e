"""Camunda 8: a job worker that serves the REST connector's job types with feelish's runtime,
`Worker("http://127.0.0.1:8080").run()` (docs/engines.md, "Camunda 8").  Names load on first use,
so the `feelish` command can declare the `worker` options without loading the worker."""
from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "ClusterClient": "cluster", "ClusterError": "cluster", "rest_base": "cluster",
    "INPUT_VARIABLES": "inputs", "connector_fields": "inputs",
    "Job": "job", "REST_JOB_TYPE": "job", "parse_duration": "job",
    "Complete": "outcome", "Fail": "outcome", "ThrowError": "outcome", "on_failure": "outcome",
    "on_success": "outcome",
    "Worker": "worker",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
