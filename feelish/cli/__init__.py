"""The `feelish` command, jq-like (JSON in, JSON out): `feelish eval EXPRESSION`, `run TEMPLATE|NAME
[--dry-run]`, `check TEMPLATE...`, `repl`, `connectors`, `show TEMPLATE|NAME`, `worker` (a Camunda 8
job worker), and for authors `import curl|openapi|postman|camunda INPUT`, `test [PATH...]` and
`record TEMPLATE --name CASE`; exit code 0 on success, 1 when the connector call (or a saved test
case) failed, 2 for a usage, syntax or template error."""
from __future__ import annotations

from .main import COMMANDS, main

__all__ = ["COMMANDS", "main"]
