"""The FEEL language core: parsing, compiling to closures, the value model and the built-in
library. It depends on nothing in feelish but `errors` and `secrets`; the runtime, templates and
shells build on it."""
from __future__ import annotations

from .api import Expression, Result, compile, evaluate, unary_test  # noqa: A004
from .values import FeelFunction, Range, YearsMonthsDuration

__all__ = ["Expression", "FeelFunction", "Range", "Result", "YearsMonthsDuration", "compile",
           "evaluate", "unary_test"]
