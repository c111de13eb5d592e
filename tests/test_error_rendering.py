"""The error hierarchy: positions, caret snippets, connector error payloads."""
from __future__ import annotations

from feelish.errors import (
    AuthError,
    ConnectorError,
    FeelishError,
    FeelSyntaxError,
    SourceError,
    Span,
    Warning,
    caret_snippet,
    line_col,
)


def test_line_col():
    text = "ab\ncd\n\nef"
    assert line_col(text, 0) == (1, 1)
    assert line_col(text, 2) == (1, 3)
    assert line_col(text, 3) == (2, 1)
    assert line_col(text, 7) == (4, 1)
    assert line_col(text, 999) == (4, 3)  # clamped to the end


def test_caret_snippet_points_at_the_span():
    text = "first line\nx + * y\nlast"
    snippet = caret_snippet(text, 15, 16)
    assert snippet.splitlines() == ["line 2, column 5", "2 | x + * y", "        ^"]


def test_caret_snippet_with_origin_and_wide_span():
    snippet = caret_snippet("a = bad thing", 4, 13, origin="conn.feelish")
    lines = snippet.splitlines()
    assert lines[0] == "conn.feelish:1:5"
    assert lines[2].strip() == "^" * 9


def test_caret_snippet_long_line_keeps_caret_under_the_token():
    text = "x" * 500 + "@" + "y" * 500
    lines = caret_snippet(text, 500, 501).splitlines()
    code, caret = lines[1], lines[2]
    assert len(code) < 130
    assert code[caret.index("^")] == "@"


def test_syntax_error_str_has_position_and_caret():
    error = FeelSyntaxError("unexpected '*'", source="1 + * 2", span=Span(4, 5),
                            expected=("a number",), hint="remove the operator")
    assert isinstance(error, SourceError) and isinstance(error, FeelishError)
    assert (error.line, error.column) == (1, 5)
    text = str(error)
    assert "unexpected '*'" in text and "1 | 1 + * 2" in text and "hint: remove the operator" in text
    assert text.splitlines()[3].index("^") == len("1 | ") + 4


def test_warning_render():
    warning = Warning("no-variable-found", "no variable 'x'", Span(4, 5))
    assert warning.render() == "no-variable-found: no variable 'x'"
    assert warning.render("1 + x").endswith("    ^")


def test_connector_error_payload():
    error = AuthError("invalid_client", "client authentication failed",
                      response={"status": 401, "body": {"error": "invalid_client"}}, field="authentication")
    assert isinstance(error, ConnectorError)
    assert str(error) == "invalid_client [authentication]: client authentication failed"
    assert error.to_dict() == {
        "code": "invalid_client", "message": "client authentication failed", "field": "authentication",
        "status": 401, "response": {"status": 401, "body": {"error": "invalid_client"}},
    }
    assert "invalid_client" in repr(error)


def test_connector_error_redact_masks_message_response_and_variables():
    from feelish.secrets import Redactor

    error = ConnectorError("401", "token s3cr3t refused", response={"body": {"echo": "s3cr3t"}},
                           variables={"s3cr3t": ["x s3cr3t"]})
    assert error.redact(Redactor([])) is error and "s3cr3t" in error.message  # nothing to mask
    error.redact(Redactor(["s3cr3t"]))
    assert error.message == "token *** refused" and str(error) == "401: token *** refused"
    assert error.response == {"body": {"echo": "***"}} and error.variables == {"***": ["x ***"]}
