"""The `cookies` field (Bonita's urlCookies): one `Cookie` header, checked against httpbin's
/cookies, which echoes the cookies it parsed from the request."""
from __future__ import annotations

import pytest

from feelish import ConnectorError, Literal


def cookies_seen(outcome) -> dict:
    return outcome.response["body"]["cookies"]


def test_cookies_reach_httpbin_as_one_header(make, httpbin_url):
    connector = make({"url": Literal(f"{httpbin_url}/cookies"),
                      "cookies": '{session: sid, lang: "de", n: 7, off: null}'}, inputs=["sid"])
    out = connector.run({"sid": "abc123"})
    assert cookies_seen(out) == {"session": "abc123", "lang": "de", "n": "7"}
    spec = connector.dry_run({"sid": "abc123"})
    cookie_headers = [v for k, v in spec.headers if k.lower() == "cookie"]
    assert cookie_headers == ["session=abc123; lang=de; n=7"]


def test_cookies_merge_with_a_cookie_header_the_user_wrote(make, httpbin_url):
    connector = make({"url": Literal(f"{httpbin_url}/cookies"),
                      "headers": '{"cookie": "theme=dark;"}',
                      "cookies": '{session: "s1"}'})
    assert cookies_seen(connector.run()) == {"theme": "dark", "session": "s1"}
    assert [v for k, v in connector.dry_run().headers if k.lower() == "cookie"] == \
        ["theme=dark; session=s1"]


def test_all_null_cookies_leave_the_user_header_alone(make, httpbin_url):
    connector = make({"url": Literal(f"{httpbin_url}/cookies"),
                      "headers": Literal({"Cookie": "a=1"}), "cookies": "{b: null}"})
    assert cookies_seen(connector.run()) == {"a": "1"}


def test_no_cookies_field_sends_no_cookie(make, httpbin_url):
    assert cookies_seen(make({"url": Literal(f"{httpbin_url}/cookies")}).run()) == {}


def test_a_secret_cookie_is_sent_but_shown_as_its_placeholder(make, httpbin_url):
    connector = make({"url": Literal(f"{httpbin_url}/cookies"),
                      "cookies": Literal({"auth": "<<secrets.TOKEN>>"})})
    assert cookies_seen(connector.run()) == {"auth": "tok-Secret-9f8e"}
    shown = dict(connector.dry_run().headers)["Cookie"]
    assert shown == "auth=<<secrets.TOKEN>>"


@pytest.mark.parametrize("value, shown", [
    ("x; admin=1", "';'"), ("x\r\nX-Evil: 1", "'\\r'"), ("x\nY", "'\\n'"), ('"q"', "'\"'"),
    ("a,b", "','"),
])
def test_injection_in_a_value_is_refused_naming_the_cookie(make, httpbin_url, value, shown):
    connector = make({"url": Literal(f"{httpbin_url}/cookies"), "cookies": "{session: v}"},
                     inputs=["v"])
    with pytest.raises(ConnectorError) as info:
        connector.run({"v": value})
    err = info.value
    assert err.code == "INPUT_ERROR" and err.field == "cookies"
    assert "cookies.session" in err.message and shown in err.message
    assert err.response is None and not err.retryable


@pytest.mark.parametrize("cookies, expected", [
    ('{"bad name": 1}', "cookies.bad name"),
    ("{a: {b: 1}}", "cookies.a must be a string, number or boolean, not a context"),
    ("[1, 2]", "cookies must be a context"),
])
def test_bad_cookie_shapes_are_input_errors(make, httpbin_url, cookies, expected):
    with pytest.raises(ConnectorError) as info:  # constant fields fail when the connector is built
        make({"url": Literal(f"{httpbin_url}/cookies"), "cookies": cookies}).run()
    assert info.value.code == "INPUT_ERROR" and expected in info.value.message


def test_templates_accept_the_cookies_field():
    from feelish.templates.fields import FIELDS
    assert "cookies" in FIELDS


def test_a_template_sets_the_cookies_field(httpbin_url, rt):
    from feelish.templates import loads, run_template
    template = loads('connector c "cookies from a template"\n'
                     'input url: string required "where"\n'
                     'input cookies: context "cookies" = {}\n'
                     'url: url\ncookies: cookies\n'
                     'resultExpression: {seen: response.body.cookies}\n')
    out = run_template(template, {"url": f"{httpbin_url}/cookies", "cookies": {"a": "1", "b": None}},
                       runtime=rt)
    assert out.outputs == {"seen": {"a": "1"}}
    with pytest.raises(ConnectorError) as info:
        run_template(template, {"url": f"{httpbin_url}/cookies", "cookies": {"a": "1; admin=1"}},
                     runtime=rt)
    assert info.value.code == "INPUT_ERROR" and "cookies.a" in str(info.value)
