"""Fuzzing the public entry points (issue 9): whatever the text and the data, `compile`,
`evaluate`, `unary_test`, template checking and dry runs raise nothing but feelish errors.

The texts are built from FEEL's own pieces (numbers at the edges of every range, strings, names,
built-in calls, operators, brackets, comments and slashes) so that most of them parse and reach
evaluation; the data holds the values a host or a response may hand over (huge and non-finite
numbers, deep nesting, odd types).  300 examples per test by default; a longer hunt:
`FEELISH_FUZZ_EXAMPLES=5000 python3 -m pytest tests/test_fuzz_errors.py`."""
from __future__ import annotations

import math
import os
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import feelish
from feelish import Connector, FeelishError, Literal, Runtime
from feelish.templates.library import loads
from tests.language.test_properties import combiner

NUMBERS = ["0", "1", "-1", "2.5", "1e999999", "-1e999999", "1e-999999", "1e5000", "123456789012345678901234567890",
           "0.000001", "1e18", "999999999999999999", "x.i", "x.n"]
STRINGS = ['"a"', '""', '"P1D"', '"2017-01-01"', '"10:00:00"', '"(a|aa)*$"', '"' + "a" * 40 + '!"',
           '"<<secrets.K>>"', '"\\u0000"']
NAMES = ["x", "y", "items", "x.items", "x.ctx", "item", "i", "?"]
CALLS = ["substring", "decimal", "round up", "time", "date", "date and time", "duration", "sublist",
         "insert before", "remove", "partition", "distinct values", "union", "duplicate values",
         "index of", "list contains", "matches", "replace", "split", "extract", "string join", "max",
         "sum", "sort", "count", "string", "number", "odd", "even", "modulo", "years and months duration",
         "context put", "get value", "string length", "upper case", "to base64", "abs", "floor", "log"]
OPS = [" + ", " - ", " * ", " / ", " ** ", " = ", " != ", " < ", " and ", " or ", " in ", "..", ", ",
       " instance of ", " between ", ".", " "]
PIECES = (NUMBERS + STRINGS + NAMES + OPS + ["(", ")", "[", "]", "{", "}", ": ", "@", "for i in ",
          " return ", "if ", " then ", " else ", "some i in ", " satisfies ", "function(a) ",
          "//", "/*", "*/", "\n", "null", "true", "-", "not(", '@"P1D"', '@"P1Y"'])


ATOMS = st.sampled_from(NUMBERS + STRINGS + NAMES + ["null", "true", '@"P1D"', '@"P1Y"', '@"2017-01-01"'])
#: mostly well-formed expressions (they reach evaluation), now and then broken by a stray piece
WELL_FORMED = st.recursive(ATOMS, combiner(CALLS), max_leaves=10)


@st.composite
def feel_text(draw) -> str:
    text = draw(WELL_FORMED)
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
    if draw(st.integers(0, 7)) == 0:
        text += draw(st.text(max_size=6))
    return text


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("1e999999"), Decimal("-1e999999"), Decimal("Infinity"), Decimal("NaN"),
                     Decimal("1e5000"), Decimal("0.1"), -(2 ** 64), math.inf]),
    st.integers(4400, 4500).map(lambda digits: 10 ** digits),  # past Python's int-to-text limit
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["i", "n", "a", "items", "ctx"]), inner,
                                                 max_size=4)), max_leaves=12)
VARIABLES = st.fixed_dictionaries({"x": VALUES, "y": VALUES, "items": VALUES})

FUZZ = settings(max_examples=int(os.environ.get("FEELISH_FUZZ_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(feel_text(), VARIABLES)
def test_compile_and_evaluate_raise_only_feelish_errors(text, variables):
    try:
        expression = feelish.compile(text, max_steps=20_000)
    except FeelishError:
        return
    try:
        expression.evaluate_with_warnings(variables, secrets={"K": "s3cr3t"})
    except FeelishError:
        pass
    try:
        expression.evaluate(variables, strict=True)
    except FeelishError:
        pass


@FUZZ
@given(feel_text(), VALUES, VARIABLES)
def test_unary_tests_raise_only_feelish_errors(text, value, variables):
    try:
        feelish.unary_test(text, value, variables)
    except FeelishError:
        pass


FIELDS = ["url", "queryParameters", "headers", "body", "method", "timeoutInSeconds", "retries",
          "responseMaxBytes", "caCertificate", "followRedirects", "authentication", "contentType"]


@st.composite
def template_text(draw) -> str:
    lines = ['connector fuzz "fuzzed"', "", "input x: any \"x\" = null"]
    lines.append('url: "http://127.0.0.1:9/" + string(x)')
    for _ in range(draw(st.integers(0, 4))):
        lines.append(f"{draw(st.sampled_from(FIELDS))}: {draw(feel_text())}".replace("\n", " "))
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["input", "connector", "#", "  ", "method:"])) +
                     draw(st.text(max_size=10)))
    return "\n".join(lines) + "\n"


@FUZZ
@given(template_text(), VALUES)
def test_template_checking_and_dry_runs_raise_only_feelish_errors(text, x):
    try:
        template = loads(text, "fuzz.feelish")
    except FeelishError:
        return
    try:
        feelish.dry_run_template(template, {"x": x}, runtime=_RUNTIME)
    except FeelishError:
        pass


@FUZZ
@given(st.sampled_from(["body", "queryParameters", "headers", "url", "cookies"]), feel_text(), VARIABLES)
def test_connector_dry_runs_raise_only_feelish_errors(field, text, variables):
    fields = {"url": Literal("http://127.0.0.1:9/x"), "method": Literal("POST"), field: text}
    try:
        connector = Connector.from_mapping(fields, inputs=("x", "y", "items"), runtime=_RUNTIME)
        connector.dry_run(variables)
    except FeelishError:
        pass


_RUNTIME = Runtime(trust_env=False)
