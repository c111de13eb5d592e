"""The example API fixture (examples/api_server.py on 127.0.0.1)."""
from tests.templates.example_api import example_api  # noqa: F401
