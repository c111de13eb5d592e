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


def test_names_load_on_first_use_and_import_alone_loads_no_runtime():
    from fresh import run_fresh

    code = ("import sys, feelish\n"
            "heavy = ('httpx2', 'authlib', 'lark', 'prompt_toolkit', 'feelish.connector', 'feelish.templates')\n"
            "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
            "from feelish import *\n"
            "from feelish import Runtime, load_template, compile\n"
            "assert load_template is feelish.load_template and Runtime.__module__.startswith('feelish.connector')\n"
            "assert all(name in globals() for name in feelish.__all__)\n"
            "print(compile('1 + 1').evaluate({}))\n")
    assert run_fresh(code).split("\n")[:2] == ["[]", "2"]


def test_an_unknown_name_is_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError, match="no_such_name"):
        feelish.no_such_name  # noqa: B018
    assert "Runtime" in dir(feelish)
