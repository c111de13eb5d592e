"""`python3 -m feelish.language.parser` rewrites the shipped parser tables
(`grammar/feelish.tables.json`) from the grammar: run it after every change to `feelish.lark`
(Lark numbers its states in an order that varies from run to run; every numbering is valid)."""
from __future__ import annotations

import sys

from .tables import write

if __name__ == "__main__":
    print(f"wrote {write()}", file=sys.stderr)
