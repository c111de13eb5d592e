"""`python -m feelish.integrations.camunda`: the `feelish worker` command."""
import sys

from .cli import main

sys.exit(main())
