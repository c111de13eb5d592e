"""Temporal values beyond Python's datetime (years outside 1..9999, nanoseconds, days-time durations
past 999,999,999 days) go on the wire as their ISO text, like plain ones: in a JSON body, a form,
the query string and the URL. Checked with what the httpbin server received."""
from __future__ import annotations

from feelish import Literal

# FEEL expression -> the text the server must receive
_VALUES = {
    "wideDate": ('date("-2017-12-31")', "-2017-12-31"),
    "farDate": ('date(999999999, 12, 31)', "999999999-12-31"),
    "wideDateTime": ('date and time("10000-01-01T10:20:30+01:00")', "10000-01-01T10:20:30+01:00"),
    "nanoDateTime": ('date and time("2019-03-31T10:20:30.000000001")', "2019-03-31T10:20:30.000000001"),
    "nanoTime": ('time("10:20:30.123456789+02:00")', "10:20:30.123456789+02:00"),
    "nanoDuration": ('duration("PT0.000000001S")', "PT0.000000001S"),
    "hugeDuration": ('duration("P999999999D") + duration("P1D")', "P1000000000D"),
    "plainDate": ('date("2024-01-02")', "2024-01-02"),
}


def _context() -> str:
    return "{" + ", ".join(f"{name}: {expr}" for name, (expr, _) in _VALUES.items()) + "}"


def _expected() -> dict:
    return {name: text for name, (_, text) in _VALUES.items()}


def test_json_body_carries_iso_text(make, httpbin_url):
    out = make({"method": '"POST"', "url": Literal(f"{httpbin_url}/post"), "body": _context()}).run()
    assert out.response["body"]["json"] == _expected()


def test_form_body_carries_iso_text(make, httpbin_url):
    out = make({"method": '"POST"', "url": Literal(f"{httpbin_url}/post"), "body": _context(),
                "contentType": '"application/x-www-form-urlencoded"'}).run()
    assert out.response["body"]["form"] == _expected()


def test_query_parameters_carry_iso_text(make, httpbin_url):
    out = make({"method": '"GET"', "url": Literal(f"{httpbin_url}/get"),
                "queryParameters": _context()}).run()
    assert out.response["body"]["args"] == _expected()


def test_url_built_from_a_wide_value(make, httpbin_url):
    out = make({"method": '"GET"',
                "url": f'"{httpbin_url}/anything/" + string(date and time("-0044-03-15T12:00:00.000000001Z"))'}).run()
    assert out.response["body"]["url"].endswith("/anything/-0044-03-15T12:00:00.000000001Z")
