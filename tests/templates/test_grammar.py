"""The template grammar: each item kind, each field form, and the position of each syntax error."""
from __future__ import annotations

import pytest

from feelish.errors import TemplateError
from feelish.templates import parse_template

GOOD = '''# Look up the weather.
# Second doc line.

connector weather-now "Current weather"

input city: string required "The city"
input unit: string "C or F" = "C"
input days: list<number> optional = [1,
    2]
input apiKey: string secret
method: "GET"
url: "http://127.0.0.1/weather"
queryParameters: {city: city, unit: unit}   // trailing comment
authentication.type: "apiKey"
resultExpression:
  {
    temperature: response.body.temperature,

    city: response.body.city
  }
# a comment between items
resultVariable: "weather"
'''


def test_every_item_kind_is_parsed():
    t = parse_template(GOOD, "w.feelish")
    assert t.name == "weather-now" and t.title == "Current weather"
    assert t.doc == "Look up the weather.\nSecond doc line."
    assert list(t.inputs) == ["city", "unit", "days", "apiKey"]
    city, unit, days, key = t.inputs.values()
    assert city.required and not city.secret and city.doc == "The city" and city.default is None
    assert not unit.required and unit.default.text == '"C"' and str(unit.type) == "string"
    assert str(days.type) == "list<number>" and days.default.text == "[1,\n    2]"
    assert key.secret and not key.required
    assert list(t.fields) == ["method", "url", "queryParameters", "authentication.type",
                              "resultExpression", "resultVariable"]


def test_expression_spans_point_into_the_file():
    t = parse_template(GOOD)
    for decl in t.fields.values():
        assert GOOD[decl.value.span.start:decl.value.span.end] == decl.value.text
    multi = t.fields["resultExpression"].value.text
    assert "temperature" in multi and "city: response.body.city" in multi and "# a comment" not in multi


def test_name_defaults_to_the_file_stem_and_crlf_is_accepted():
    t = parse_template('url: "http://x"\r\nmethod: "GET"\r\n', "dir/my-api.feelish")
    assert t.name == "my-api" and t.fields["url"].value.text == '"http://x"'


def _error(text: str) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        parse_template(text, "t.feelish")
    return info.value


@pytest.mark.parametrize("text, line, column, fragment", [
    ('url:\nmethod: "GET"\n', 1, 5, "end of line"),                 # a field without a value
    ('url "http://x"\n', 1, 5, "unexpected"),                        # missing colon
    ('input x string\n', 1, 9, "unexpected"),                        # input without a colon
    ('input x: string\nmethod: "GET"\n  \ninput : number\n', 4, 7, "unexpected"),
    ('input x: strin\n', 1, 10, "unknown input type"),
    ('input x: string required = 1\n', 1, 28, "cannot have a default"),
    ('input x: string\ninput x: number\n', 2, 7, "declared twice"),
    ('url: 1\nurl: 2\n', 2, 1, "set twice"),
    ('connector a\nconnector b\n', 2, 1, "one `connector` line"),
    ('url: "x"\n@bad: 1\n', 2, 1, "unexpected '@bad"),
    ('input x: number<string>\n', 1, 10, "only list takes"),
])
def test_syntax_errors_have_line_column_and_caret(text, line, column, fragment):
    exc = _error(text)
    assert fragment in exc.message
    assert (exc.line, exc.column) == (line, column)
    rendered = str(exc)
    assert f"t.feelish:{line}:{column}" in rendered
    source_line = text.split("\n")[line - 1]
    assert f"{line} | {source_line}" in rendered
    caret_line = [text_line for text_line in rendered.split("\n") if text_line.strip().startswith("^")][0]
    assert caret_line.index("^") == len(f"{line} | ") + column - 1


def test_unexpected_end_of_file_is_reported_at_the_end():
    exc = _error('input x:')
    assert "end of file" in exc.message and exc.line == 1 and exc.column == 9
