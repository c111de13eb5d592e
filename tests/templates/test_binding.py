"""From a template to the runtime: the field mapping, and the inputs the expressions see."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feelish import Connector, evaluate
from feelish.errors import TemplateError
from feelish.templates import bind_inputs, check, loads, parse_template, to_mapping
from feelish.templates.model import InputType


def test_dotted_fields_are_gathered_and_aliases_renamed():
    t = loads('url: "http://x"\nauthentication.type: "basic"\nauthentication.username: "u" // the user\n'
              'authentication.password:\n  "p"\nclientTls.trustedCertificate: "PEM"\nproxy.url: "http://p:1"\n'
              'resultVariable: "r"\nkind: "rest"\n')
    m = to_mapping(t)
    assert m["url"] == '"http://x"' and m["caCertificate"] == '"PEM"'
    assert m["resultVariable"] == "r" and m["kind"] == "rest"        # plain names, not expressions
    assert evaluate(m["authentication"]) == {"type": "basic", "username": "u", "password": "p"}
    assert evaluate(m["proxy"]) == {"url": "http://p:1"}
    Connector.from_mapping(m)  # the runtime accepts every name


def test_whole_group_and_dotted_entries_conflict():
    t = parse_template('url: "http://x"\nauthentication: {type: "basic"}\nauthentication.username: "u"\n', "t.feelish")
    with pytest.raises(TemplateError) as info:
        to_mapping(t)
    assert "not both" in info.value.message and info.value.line == 3


def test_bind_keeps_only_declared_inputs_and_fills_defaults():
    t = loads('input a: number required\ninput b: number = a * 2\ninput c: string\nurl: "http://x"\n')
    scope = bind_inputs(t, {"a": 2, "body": "x", "url": "y"})
    assert scope == {"a": 2, "b": Decimal(4), "c": None}


def test_bind_reports_missing_and_mistyped_inputs_at_their_declaration():
    t = loads('input a: number required "how many"\ninput l: list<string>\nurl: "http://x"\n', "t.feelish")
    with pytest.raises(TemplateError) as info:
        bind_inputs(t, {})
    assert (info.value.line, info.value.column) == (1, 7) and "how many" in info.value.hint
    with pytest.raises(TemplateError) as info:
        bind_inputs(t, {"a": 1, "l": ["x", 2]})
    assert "input 'l' must be a list<string>, not a list" in info.value.message and info.value.line == 2


def test_null_given_for_an_optional_input_takes_the_default():
    t = loads('input u: string = "C"\nurl: "http://x"\n')
    assert bind_inputs(t, {"u": None}) == {"u": "C"}


@pytest.mark.parametrize("type_, good, bad", [
    (InputType("string"), "x", 1),
    (InputType("number"), Decimal("1.5"), True),
    (InputType("boolean"), False, "false"),
    (InputType("context"), {"a": 1}, [1]),
    (InputType("list", InputType("number")), [1, 2.5], [1, "2"]),
    (InputType("any"), object(), None),
])
def test_input_types(type_, good, bad):
    assert type_.accepts(good) and type_.accepts(None)
    if bad is not None:
        assert not type_.accepts(bad)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list('abcxyz:=."{}[]<>#\n\t -_0123456789') +
                                ["input ", "connector ", "url: ", "required", "secret", "string"]),
                max_size=40).map("".join))
def test_any_text_parses_or_fails_with_a_position_inside_it(text):
    try:
        template = parse_template(text, "f.feelish")
    except TemplateError as exc:
        assert exc.span is not None and 0 <= exc.span.start <= len(text.replace("\r\n", "\n"))
        str(exc)  # renders
        return
    for problem in check(template):  # checking never raises, every problem has a position
        assert problem.span is not None and problem.line >= 1
        str(problem)
