"""Importers: connector templates written from a cURL command, an OpenAPI document, a Postman
collection or Camunda BPMN / element templates (`import_source(kind, text)`); every template handed
out passes `check`, credentials become secret placeholders, bad input raises `ImportProblem`."""
from __future__ import annotations

from .camunda import import_bpmn, import_camunda, import_element_templates
from .curl import import_curl
from .openapi import import_openapi
from .postman import import_postman
from .writer import Imported, ImportProblem

SOURCES = ("curl", "openapi", "postman", "camunda")


def import_source(kind: str, text: str, *, name: str | None = None) -> list[Imported]:
    """The templates for `text` read as `kind` (one of SOURCES); `name` names a cURL template."""
    if kind == "curl":
        return [import_curl(text, name)]
    if kind == "openapi":
        return import_openapi(text)
    if kind == "postman":
        return import_postman(text)
    if kind == "camunda":
        return import_camunda(text)
    raise ImportProblem(f"unknown import source {kind!r}; one of: {', '.join(SOURCES)}")


def secrets_file_text(imported: list[Imported]) -> str:
    """A dotenv file with the secrets the sources held (for `--secrets-out`; keep it private)."""
    found: dict[str, str] = {}
    for one in imported:
        found.update(one.secrets)
    lines = ["# secrets found by feelish import: keep this file private"]
    for key, value in found.items():
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        lines.append(f'{key}="{escaped}"')
    return "\n".join(lines) + "\n"


__all__ = ["Imported", "ImportProblem", "SOURCES", "import_bpmn", "import_camunda", "import_curl",
           "import_element_templates", "import_openapi", "import_postman", "import_source",
           "secrets_file_text"]
