"""Every call ends in bounded time and memory (issue 9): a whole-call deadline against servers
that drip headers or bodies, token requests that obey the connector's timeouts and a size cap,
and decompression capped while it streams.  No test measures time: each asserts the error the
call ends with; the fault server's slow routes stop by themselves after 20 s at most."""
from __future__ import annotations

import asyncio
import gzip

import pytest

from feelish import ConnectorError, Literal

CC = "oauth2-client-credentials"


def _call(connector, asynchronous: bool):
    if asynchronous:
        return asyncio.run(connector.run_async({}))
    return connector.run({})


def _error(connector, asynchronous: bool = False) -> ConnectorError:
    """The error the call ends with (it must end with one)."""
    with pytest.raises(ConnectorError) as caught:
        _call(connector, asynchronous)
    return caught.value


def _error_before_the_server_stops(connector, asynchronous: bool) -> ConnectorError:
    """The error the call ends with, while the dripping server (20 s) is still dripping: a call
    that only ended when the server stopped would pass `_error`, so this one waits in a thread
    for at most half the server's drip (the deadline under test is 1 s)."""
    import threading

    ended: list = []
    worker = threading.Thread(target=lambda: ended.append(_error(connector, asynchronous)),
                              daemon=True)
    worker.start()
    worker.join(10)
    assert ended, "the call was still running while the server dripped"
    return ended[0]


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("route", ["/drip-headers", "/drip-body", "/drip-body?type=image/png"])
def test_a_dripping_server_ends_the_call_at_its_deadline(make, fault_url, route, asynchronous):
    # each byte arrives well within the read timeout: only the whole-call deadline can end it
    connector = make({"url": Literal(fault_url + route), "readTimeoutInSeconds": 2,
                      "timeoutInSeconds": 1})
    error = _error_before_the_server_stops(connector, asynchronous)
    assert error.code == "TIMEOUT"
    assert "timeoutInSeconds (1 s)" in error.message


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_the_deadline_covers_retry_waits(make, fault_url, asynchronous):
    # a 503 with Retry-After 20: waiting would pass the deadline, so the call ends with the 503
    key = f"bounds-wait-{asynchronous}"
    connector = make({"url": Literal(fault_url + f"/retry?key={key}&fail=5&after=20"),
                      "retries": 3, "retryMaxDelay": 20, "timeoutInSeconds": 2})
    error = _error(connector, asynchronous)
    assert error.code == "503"
    count = make({"url": Literal(fault_url + f"/count?key={key}")}).run({}).response["body"]
    assert count == {"count": 1}  # no second attempt was made


def test_the_deadline_covers_redirects(make, fault_url):
    target = fault_url + "/drip-body"
    connector = make({"url": Literal(fault_url + "/redirect?to=" + target), "followRedirects": True,
                      "readTimeoutInSeconds": 2, "timeoutInSeconds": 1})
    assert _error(connector).code == "TIMEOUT"


def test_a_call_within_its_deadline_is_untouched(make, fault_url):
    outcome = make({"url": Literal(fault_url + "/json"), "timeoutInSeconds": 30,
                    "resultExpression": "{ok: response.body.ok}"}).run({})
    assert outcome.outputs == {"ok": True}


def test_the_dry_run_shows_the_deadline(make, fault_url):
    spec = make({"url": Literal(fault_url + "/json")}).dry_run({})
    assert spec.settings["timeoutInSeconds"] == 300


@pytest.mark.parametrize("value", ["-1", '"soon"', "true"])
def test_a_bad_deadline_is_an_input_error(make, fault_url, value):
    with pytest.raises(ConnectorError) as caught:
        make({"url": Literal(fault_url + "/json"), "timeoutInSeconds": value}).run({})
    assert caught.value.code == "INPUT_ERROR" and caught.value.field == "timeoutInSeconds"


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_an_endless_body_stops_at_the_cap(make, fault_url, asynchronous):
    connector = make({"url": Literal(fault_url + "/endless"), "responseMaxBytes": 3_000_000})
    error = _error(connector, asynchronous)
    assert error.code == "RESPONSE_TOO_LARGE"


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("kind", ["application/json", "application/octet-stream"])
def test_a_gzip_bomb_stops_at_the_cap(make, fault_url, rt, kind, asynchronous):
    before = set(rt.documents.folder.iterdir())
    connector = make({"url": Literal(f"{fault_url}/gzip-bomb?mib=256&type={kind}"),
                      "responseMaxBytes": 5_000_000})
    error = _error(connector, asynchronous)
    assert error.code == "RESPONSE_TOO_LARGE"
    assert set(rt.documents.folder.iterdir()) == before  # no partial document is left behind


def test_a_small_gzip_body_is_decoded(make, httpbin_url):
    outcome = make({"url": Literal(httpbin_url + "/gzip"),
                    "resultExpression": "{gzipped: response.body.gzipped}"}).run({})
    assert outcome.outputs == {"gzipped": True}


def test_deflate_bodies_are_decoded(make, httpbin_url):
    outcome = make({"url": Literal(httpbin_url + "/deflate"),
                    "resultExpression": "{deflated: response.body.deflated}"}).run({})
    assert outcome.outputs == {"deflated": True}


def test_bounded_decoding_matches_gzip_for_several_members():
    from feelish.bounds import capped_chunks

    class Raw:  # the parts of an httpx2 response that capped_chunks reads
        is_stream_consumed = False
        headers = {"content-encoding": "gzip"}

        def iter_raw(self):
            data = gzip.compress(b"a" * 200_000) + gzip.compress(b"b" * 10)
            for i in range(0, len(data), 7):
                yield data[i:i + 7]
    out = b"".join(capped_chunks(Raw(), 10**6, OverflowError, ValueError))
    assert out == b"a" * 200_000 + b"b" * 10
    with pytest.raises(OverflowError):
        b"".join(capped_chunks(Raw(), 100_000, OverflowError, ValueError))


# ----------------------------------------------------------------------------- token endpoints

def _token_connector(make, endpoint: str, **more):
    auth = {"type": CC, "tokenEndpoint": endpoint, "clientId": "c", "clientSecret": "s"}
    return make({"url": Literal("http://127.0.0.1:9/never-reached"), "authentication": Literal(auth),
                 **more})


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_stalled_token_endpoint_obeys_the_read_timeout(make, fault_url, asynchronous):
    connector = _token_connector(make, fault_url + "/stall?seconds=20", readTimeoutInSeconds=0.5)
    error = _error(connector, asynchronous)
    assert error.code == "TIMEOUT" and "read timeout" in error.message


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_a_dripping_token_endpoint_ends_at_the_deadline(make, fault_url, asynchronous):
    connector = _token_connector(make, fault_url + "/drip-body", readTimeoutInSeconds=2,
                                 timeoutInSeconds=1)
    error = _error(connector, asynchronous)
    assert error.code == "TIMEOUT"


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("route", ["/endless", "/gzip-bomb?mib=64"])
def test_an_oversized_token_response_is_a_token_error(make, fault_url, route, asynchronous):
    connector = _token_connector(make, fault_url + route)
    error = _error(connector, asynchronous)
    assert error.code == "OAUTH_TOKEN_ERROR"
    assert "larger than 1048576 bytes" in error.message


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_the_token_connector_obeys_timeouts_and_the_cap(make, fault_url, asynchronous):
    auth = {"type": CC, "tokenEndpoint": fault_url + "/stall?seconds=20", "clientId": "c",
            "clientSecret": "s"}
    stalled = make({"kind": "token", "authentication": Literal(auth), "readTimeoutInSeconds": 0.5})
    error = _error(stalled, asynchronous)
    assert error.code == "TIMEOUT"
    endless = make({"kind": "token", "authentication": Literal({**auth, "tokenEndpoint":
                                                                fault_url + "/endless"})})
    error = _error(endless, asynchronous)
    assert error.code == "OAUTH_TOKEN_ERROR"


def test_a_real_token_still_works(make, oauth):
    base, _state = oauth
    auth = {"type": CC, "tokenEndpoint": base + "/token", "clientId": "post-client",
            "clientSecret": "post-secret-1"}
    outcome = make({"kind": "token", "authentication": Literal(auth)}).run({})
    assert outcome.token["access_token"]


# ----------------------------------------------------------------------------- numbers on the wire

@pytest.mark.parametrize("dry", [False, True], ids=["run", "dry run"])
@pytest.mark.parametrize("fields, variables", [
    ({"body": "{a: 1e5000}"}, {}),
    ({"body": "{a: 1.5e-5000}"}, {}),
    ({"body": "{a: x}"}, {"x": __import__("decimal").Decimal("Infinity")}),
    ({"body": "x"}, {"x": 10 ** 5000}),
    ({"queryParameters": "{a: x}"}, {"x": __import__("decimal").Decimal("-Infinity")}),
    ({"headers": "{\"X-N\": x}"}, {"x": 10 ** 5000}),
    ({"body": "{a: x}", "contentType": '"application/x-www-form-urlencoded"'},
     {"x": __import__("decimal").Decimal("NaN")}),
])
def test_numbers_the_wire_cannot_carry_are_input_errors(make, fault_url, fields, variables, dry):
    with pytest.raises(ConnectorError) as caught:  # a constant body fails already when built
        connector = make({"url": Literal(fault_url + "/echo"), "method": '"POST"', **fields})
        (connector.dry_run if dry else connector.run)(variables)
    assert caught.value.code == "INPUT_ERROR"
    assert "not finite, or more than 4000 digits" in caught.value.message


def test_a_response_too_deep_or_too_long_to_read_is_kept_as_text(make, fault_url):
    deep = "[" * 3000 + "]" * 3000  # deeper than the JSON reader recurses
    for text in (deep, '{"n": ' + "9" * 5000 + "}"):
        from urllib.parse import quote
        outcome = make({"url": Literal(fault_url + "/json?v=" + quote(text))}).run({})
        assert outcome.response["body"] == text
        assert outcome.warnings and outcome.warnings[0].kind == "invalid-response-body"


def test_check_flags_a_number_the_wire_cannot_carry(tmp_path, capsys):
    from feelish.cli.main import main
    path = tmp_path / "big.feelish"
    path.write_text('connector big "a huge number"\n\nmethod: "POST"\nurl: "http://127.0.0.1:9/x"\n'
                    "body: {a: 1e5000, b: 1e3999}\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "1E+5000 has more than 4000 digits" in err and "1 problem" in err
