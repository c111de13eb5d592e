"""feelish: an expression-driven connector runtime. The public API is exactly `__all__` (guarded by
tests/test_public_api.py), each part of the package exporting from its own section below."""
from __future__ import annotations

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
    SecretProvider,
)

# --- the language: values and API
from .language import (Expression, FeelFunction, Range, Result, YearsMonthsDuration,  # noqa: A004
                       compile, evaluate, unary_test)

# --- runtime (connectors)
from .connector import Connector, InsecureConnectionWarning, Literal, Outcome, RequestSpec, Runtime

# --- templates
from .templates import Template, builtin_names as builtin_connectors, check as check_template
from .templates import dry_run_template, load as load_template, run_template

__version__ = "0.1.0"

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
