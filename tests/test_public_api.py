"""The public API is exactly `feelish.__all__`: a change to it is a deliberate change here too."""
from __future__ import annotations

import feelish

PUBLIC = {
    # the language
    "compile", "evaluate", "unary_test", "Expression", "Result",
    # values
    "FeelFunction", "Range", "YearsMonthsDuration",
    # errors and warnings
    "AuthError", "BusinessError", "ConnectorError", "EvaluationError", "FeelishError",
    "FeelSyntaxError", "JobError", "LimitExceeded", "SecretError", "SourceError", "Span", "TemplateError",
    "Warning", "WarningKind",
    # secrets
    "ChainSecrets", "DotenvSecrets", "EnvironmentSecrets", "MappingSecrets", "Redactor",
    "SecretProvider",
    # the runtime
    "Runtime", "Connector", "Outcome", "RequestSpec", "Literal", "InsecureConnectionWarning",
    # templates
    "Template", "load_template", "check_template", "run_template", "dry_run_template",
    "builtin_connectors",
    "__version__",
}


def test_all_is_exactly_the_public_api():
    assert len(feelish.__all__) == len(set(feelish.__all__)), "a name is listed twice"
    assert set(feelish.__all__) == PUBLIC


def test_every_exported_name_exists():
    for name in feelish.__all__:
        assert getattr(feelish, name) is not None, name


def test_no_public_class_or_function_is_left_out():
    defined_here = {
        name for name, value in vars(feelish).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("feelish")
        and (isinstance(value, type) or callable(value))
    }
    assert defined_here <= set(feelish.__all__), sorted(defined_here - set(feelish.__all__))
