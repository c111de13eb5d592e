"""No input makes a built-in or an operator raise anything but a FEEL failure (or assert's error)."""
from __future__ import annotations

import itertools
import random
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from feelish.language import operators as op
from feelish.language import temporal
from feelish.language.builtins import lookup, names
from feelish.errors import EvaluationError
from feelish.language.values import FeelFailure, FeelFunction, Range, YearsMonthsDuration


class _Yes(FeelFunction):
    __slots__ = ()
    params = ("a", "b")

    def invoke(self, args, ctx):
        return True


VALUES = [
    None, True, Decimal(0), Decimal(-1), Decimal("2.5"), Decimal("1E+400"), Decimal("NaN"), 3, 1.5,
    float("nan"), "", "abc", "[1..2]", "2020-01-01", "P1D", "Europe/Paris", [], [Decimal(1), Decimal(2)],
    ["a", None], [[Decimal(1)]], {}, {"a": Decimal(1)}, {"key": "a", "value": 1}, date(2020, 1, 31),
    datetime(2020, 1, 1, 10), temporal.parse_literal("2020-01-01T10:00:00@Europe/Paris"), time(10, 0),
    time(10, 0, tzinfo=timezone.utc), timedelta(days=1), YearsMonthsDuration(14),
    Range(Decimal(1), Decimal(5)), Range(None, Decimal(3), False, False), _Yes(),
]
OK = (FeelFailure, EvaluationError)


@pytest.mark.parametrize("name", names())
def test_builtin_never_crashes(name):
    fn = lookup(name)
    rng = random.Random(name)
    for n in range(5):
        if n <= 2:
            combos = itertools.product(VALUES, repeat=n)
        else:
            combos = (tuple(rng.choice(VALUES) for _ in range(n)) for _ in range(150))
        for args in combos:
            try:
                fn.invoke(list(args), None)
            except OK:
                pass
    for params in {ov.params for ov in fn.overloads}:
        for k in range(len(params) + 2):
            for chosen in itertools.combinations((*params, "bogus"), k):
                try:
                    fn.invoke_named({p: rng.choice(VALUES) for p in chosen}, None)
                except OK:
                    pass


@pytest.mark.parametrize("fn", [op.add, op.sub, op.mul, op.div, op.power, op.equal, op.not_equal,
                                op.less, op.less_equal, op.greater, op.greater_equal])
def test_binary_operator_never_crashes(fn):
    for a, b in itertools.product(VALUES, repeat=2):
        try:
            fn(a, b)
        except FeelFailure:
            pass


def test_unary_operators_and_properties_never_crash():
    props = ["year", "weekday", "second", "time offset", "timezone", "days", "seconds", "years",
             "start", "end included", "nope"]
    for a in VALUES:
        for p in props:
            try:
                op.get_property(a, p)
            except FeelFailure:
                pass
        try:
            op.negate(a)
        except FeelFailure:
            pass
        for r in (Range(Decimal(1), Decimal(5)), Range(None, Decimal(3), False, False)):
            try:
                op.in_range(a, r)
            except FeelFailure:
                pass
