"""The `feelish` command: jq-like, JSON in and JSON out.

    feelish eval EXPRESSION [--vars FILE|-] [--var NAME=JSON] [--arg NAME=TEXT]
    feelish run TEMPLATE|NAME [--vars ...] [--var ...] [--dry-run]
    feelish check TEMPLATE...
    feelish repl [--vars ...]
    feelish connectors                 list the built-in connectors
    feelish show TEMPLATE|NAME         a template's documentation and inputs

Exit codes: 0 success; 1 the connector call failed (the error as JSON on stderr); 2 a usage,
syntax or template error.  A user mistake never prints a Python traceback.
"""
from __future__ import annotations

from .main import COMMANDS, main

__all__ = ["COMMANDS", "main"]
