"""feelish: an expression-driven connector runtime. The public API is exactly `__all__` (guarded by
tests/test_public_api.py); the errors and secrets load with the package, every other name loads
from its home (`_HOMES`) on first use, so `feelish eval` never imports the HTTP stack."""
from __future__ import annotations

import importlib

# --- errors and warnings
from .errors import (
    AuthError,
    BusinessError,
    ConnectorError,
    EvaluationError,
    FeelishError,
    FeelSyntaxError,
    JobError,
    LimitExceeded,
    SecretError,
    SourceError,
    Span,
    TemplateError,
    Warning,
    WarningKind,
)

# --- secrets
from .secrets import (
    ChainSecrets,
    DotenvSecrets,
    EnvironmentSecrets,
    MappingSecrets,
    Redactor,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

#: public name -> (module relative to this package, its name there); loaded on first use (PEP 562)
_HOMES = {
    # the language: values and API
    **{name: (".language", name) for name in (
        "Expression", "FeelFunction", "Range", "Result", "YearsMonthsDuration", "compile",
        "evaluate", "unary_test")},
    # runtime (connectors)
    **{name: (".connector", name) for name in (
        "Connector", "InsecureConnectionWarning", "Literal", "Outcome", "RequestSpec", "Runtime")},
    # the secrets protocol (a typing.Protocol: typing loads with it)
    "SecretProvider": (".secret_provider", "SecretProvider"),
    # templates
    "Template": (".templates", "Template"),
    "builtin_connectors": (".templates", "builtin_names"),
    "check_template": (".templates", "check"),
    "dry_run_template": (".templates", "dry_run_template"),
    "load_template": (".templates", "load"),
    "run_template": (".templates", "run_template"),
}

__all__ = [
    # errors
    "AuthError", "BusinessError", "ConnectorError", "EvaluationError", "FeelishError",
    "FeelSyntaxError", "JobError", "LimitExceeded", "SecretError", "SourceError", "Span", "TemplateError",
    "Warning", "WarningKind",
    # secrets
    "ChainSecrets", "DotenvSecrets", "EnvironmentSecrets", "MappingSecrets", "Redactor",
    "SecretProvider",
    # values
    "FeelFunction", "Range", "YearsMonthsDuration",
    # language API
    "Expression", "Result", "compile", "evaluate", "unary_test",
    # runtime
    "Connector", "InsecureConnectionWarning", "Literal", "Outcome", "RequestSpec", "Runtime",
    # templates
    "Template", "builtin_connectors", "check_template", "dry_run_template", "load_template",
    "run_template",
    "__version__",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = home
    value = getattr(importlib.import_module(module, __name__), attribute)
    globals()[name] = value  # the next lookup is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
