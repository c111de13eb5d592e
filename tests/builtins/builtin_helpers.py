"""Helpers for calling built-ins directly, without the parser or the compiler."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from feelish.language import temporal
from feelish.language.builtins import lookup
from feelish.language.values import FeelFailure


def call(name: str, *args: Any, ctx: Any = None) -> Any:
    fn = lookup(name)
    assert fn is not None, f"no built-in {name!r}"
    return fn.invoke(list(args), ctx)


def named(name: str, ctx: Any = None, **kwargs: Any) -> Any:
    fn = lookup(name)
    assert fn is not None, f"no built-in {name!r}"
    return fn.invoke_named({k.replace("_", " "): v for k, v in kwargs.items()}, ctx)


def fails(kind: str, name: str, *args: Any) -> str:
    """Assert the call raises FeelFailure of `kind`; return its message."""
    with pytest.raises(FeelFailure) as info:
        call(name, *args)
    assert info.value.kind == kind, info.value.message
    return info.value.message


def D(x: Any) -> Decimal:  # noqa: N802 - reads like a literal
    return Decimal(str(x))


def T(text: str) -> Any:  # noqa: N802
    return temporal.parse_literal(text)
