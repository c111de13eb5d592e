"""`python -m feelish.repl` starts the REPL."""
from __future__ import annotations

import sys

from .session import main

if __name__ == "__main__":
    sys.exit(main())
