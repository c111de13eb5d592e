"""Connector calls as Celery tasks on real worker processes (see conftest.py for the cluster)."""
from __future__ import annotations

import base64
import datetime as dt
import os
import re
import signal
import threading
import time
import uuid
from decimal import Decimal

import httpx2
import redis
from celery.result import ResultSet

import feelish
from feelish.integrations.celery import call, result_of
from tests.servers.redis_server import free_port
from tests.integrations.celery.conftest import API_KEY, CLIENT_SECRET, LIMIT, PROCESSES


def hit(url: str, **fields) -> dict:
    return {"mapping": {"url": f'"{url}"', "resultExpression": "{id: response.body.id}", **fields}}


def answers(results, timeout: float = 120) -> list[dict]:
    ResultSet(results).join_native(timeout=timeout, propagate=True)
    return [result_of(r, timeout=timeout) for r in results]


def used_pids(cluster) -> dict[str, int]:
    return {k.decode(): int(v) for k, v in cluster.notes.hgetall("test:pids").items()}


def test_a_thousand_calls_over_four_processes_make_one_token_request(cluster):
    cluster.reset()
    spec = {"mapping": {"url": f'"{cluster.api}/api/me"', "authenticationConfiguration": '"cc"',
                        "resultExpression": "{client: response.body.client_id}"}}
    results = [call(cluster.app, spec) for _ in range(1000)]
    got = answers(results)
    assert [a["outputs"] for a in got] == [{"client": "post-client"}] * 1000
    stats = cluster.stats()
    assert stats["token_requests"] == 1
    assert stats["api_calls"] == 1000
    pids = used_pids(cluster)
    assert len(pids) == PROCESSES and sum(pids.values()) == 1000


def test_values_round_trip_and_errors_come_back_structured(cluster):
    cluster.reset()
    spec = {"mapping": {"url": f'"{cluster.api}/hit/v"', "resultExpression":
                        "{n: n * 2, due: due + duration(\"P1D\"), span: span, ym: ym, at: at, r: r}"},
            "inputs": ["n", "due", "span", "ym", "at", "r"]}
    paris = dt.datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    variables = {"n": Decimal("0.1"), "due": dt.date(2024, 2, 28), "span": dt.timedelta(hours=1, microseconds=5),
                 "ym": feelish.YearsMonthsDuration(14), "at": paris, "r": feelish.Range(1, 5, True, False)}
    answer = result_of(call(cluster.app, spec, variables), timeout=30)
    assert answer["ok"], answer
    out = answer["outputs"]
    assert out["n"] == Decimal("0.2") and isinstance(out["n"], Decimal)
    assert out["due"] == dt.date(2024, 2, 29)
    assert out["span"] == dt.timedelta(hours=1, microseconds=5)
    assert out["ym"] == feelish.YearsMonthsDuration(14)
    assert out["at"].tzinfo.key == "Europe/Paris" and out["at"].fold == 1 and out["at"] == paris
    assert out["r"] == feelish.Range(Decimal(1), Decimal(5), True, False)

    missing = result_of(call(cluster.app, hit(f"{cluster.api}/nowhere")), timeout=30)
    assert missing["ok"] is False
    assert missing["error"]["code"] == "404" and missing["error"]["status"] == 404
    assert missing["error"]["retryable"] is False and missing["retries"] == 0

    business = result_of(call(cluster.app, hit(f"{cluster.api}/hit/b", errorExpression=
                                               'bpmnError("NO_STOCK", "none left", {sku: 7})')), timeout=30)
    assert business["error"]["business"] is True and business["error"]["code"] == "NO_STOCK"
    assert business["error"]["variables"] == {"sku": Decimal(7)}

    template = result_of(call(cluster.app, "get", {"url": f"{cluster.api}/hit/t"}), timeout=30)
    assert template["ok"] and template["outputs"]["status_code"] == 200
    bad = result_of(call(cluster.app, "get", {}), timeout=30)  # a required input is missing
    assert bad["ok"] is False and bad["error"]["code"] == "INPUT_ERROR" and "url" in bad["error"]["message"]


def test_wide_temporal_values_cross_the_broker_both_ways(cluster):
    cluster.reset()
    spec = {"mapping": {"url": f'"{cluster.api}/hit/w"', "resultExpression":
                        "{next: day + duration(\"P1D\"), later: at + tick, clock: clock, span: span * 2,"
                        " kinds: [day instance of date, at instance of date and time, clock instance of time,"
                        " tick instance of days and time duration]}"},
            "inputs": ["day", "at", "clock", "tick", "span"]}
    variables = {name: feelish.evaluate(text) for name, text in {
        "day": 'date("-0044-03-15")', "at": 'date and time("2024-10-27T02:30:00.000000001@Europe/Paris")',
        "clock": 'time("23:59:59.999999999+02:00")', "tick": 'duration("PT0.000000001S")',
        "span": 'duration("P600000000D")'}.items()}
    variables["at"] = variables["at"].replace(fold=1)  # the second 02:30 of that night
    answer = result_of(call(cluster.app, spec, variables), timeout=30)
    assert answer["ok"], answer
    out = answer["outputs"]
    assert out["kinds"] == [True] * 4  # the worker saw FEEL values, not text
    assert out["next"] == feelish.evaluate('date("-0044-03-16")') and out["next"].year == -44
    assert out["later"] == feelish.evaluate('date and time("2024-10-27T01:30:00.000000002Z")')
    assert out["later"].tzinfo.key == "Europe/Paris"
    assert out["later"].fold == 1 and out["later"].nanos == 2
    assert out["clock"] == variables["clock"] and out["clock"].nanos == 999
    assert out["span"] == feelish.evaluate('duration("P1200000000D")') and out["span"].days == 1200000000


def test_retryable_failures_retry_through_celery_with_the_connectors_backoff(cluster):
    cluster.reset()
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    spec = hit(closed + "/hit/r", retries="2", retryBackoff="0.1", connectionTimeoutInSeconds="2")
    answer = result_of(call(cluster.app, spec), timeout=60)
    assert answer["ok"] is False
    assert answer["error"]["code"] == "CONNECTION_FAILED" and answer["error"]["retryable"] is True
    assert answer["retries"] == 2  # two Celery retries after the first try, then the answer

    job = hit(f"{cluster.api}/hit/j", retries="1", retryBackoff="0.1",
              errorExpression='if response.body.id = "j" then jobError("try later") else null')
    answer = result_of(call(cluster.app, job), timeout=60)
    assert answer["error"]["code"] == "JOB_ERROR" and answer["retries"] == 1
    assert [h[0] for h in cluster.stats()["hits"]].count("j") == 2
    # jobError(message, variables, retries, timeout) sets the retries and the wait itself
    job = hit(f"{cluster.api}/hit/k", retries="0",
              errorExpression='jobError("try later", {}, 2, duration("PT0.1S"))')
    answer = result_of(call(cluster.app, job), timeout=60)
    assert answer["error"]["code"] == "JOB_ERROR" and answer["retries"] == 2
    assert [h[0] for h in cluster.stats()["hits"]].count("k") == 3

    post = hit(closed + "/hit/p", method='"POST"', retries="2", retryBackoff="0.1")
    answer = result_of(call(cluster.app, post), timeout=60)
    assert answer["retries"] == 0  # a POST is not sent twice unless retryNonIdempotent says so


def test_a_worker_process_killed_mid_call_loses_no_task(cluster):
    cluster.reset()
    name = f"kill-{uuid.uuid4().hex[:8]}"
    result = call(cluster.app, hit(f"{cluster.api}/hit/{name}?sleep=3", method='"PUT"'))
    deadline = time.monotonic() + 30
    while name not in [h[0] for h in cluster.stats()["hits"]]:
        assert time.monotonic() < deadline, "the call never reached the server"
        time.sleep(0.02)
    active = cluster.app.control.inspect(timeout=5, limit=1).active() or {}  # one worker node
    pids = [task["worker_pid"] for tasks in active.values() for task in tasks if task["id"] == result.id]
    assert len(pids) == 1
    os.kill(pids[0], signal.SIGKILL)
    answer = result_of(result, timeout=60)
    assert answer["ok"] and answer["outputs"] == {"id": name}
    assert [h[0] for h in cluster.stats()["hits"]].count(name) == 2  # the killed try and the redelivery
    assert int(cluster.notes.hget("test:completed", result.id)) == 1  # completed once
    # the pool replaced the killed process: four processes take calls again
    results = [call(cluster.app, hit(f"{cluster.api}/hit/after")) for _ in range(40)]
    assert all(a["ok"] for a in answers(results))


def test_a_rate_limit_holds_across_worker_processes(cluster):
    cluster.reset()
    results = [call(cluster.app, hit(f"{cluster.limited}/hit/x")) for _ in range(3 * LIMIT)]
    assert all(a["ok"] for a in answers(results))
    times = sorted(t for name, t, _ in cluster.stats(cluster.limited)["hits"] if name == "x")
    assert len(times) == 3 * LIMIT
    worst = max(sum(1 for u in times if t <= u < t + 1) for t in times)
    assert worst <= LIMIT * 1.1
    achieved = (len(times) - 1) / (times[-1] - times[0])
    assert LIMIT * 0.9 <= achieved <= LIMIT * 1.1
    assert len(used_pids(cluster)) >= 3  # spread over the processes, not one process pacing itself


def test_a_429_with_retry_after_pauses_every_worker(cluster):
    cluster.reset()
    httpx2.post(f"{cluster.api}/arm?count=1&after=2", timeout=10)
    spec = hit(f"{cluster.api}/busy", resultExpression="{ok: true}", retryOn="[429]", retries="3")
    results = [call(cluster.app, spec) for _ in range(40)]
    assert all(a["ok"] for a in answers(results))
    hits = [(t, status) for name, t, status in cluster.stats()["hits"] if name == "busy"]
    refused = [t for t, status in hits if status == 429]
    assert len(refused) == 1
    # besides calls already on the wire when the 429 went out, nothing arrives during the pause
    during = [t for t, _ in hits if refused[0] + 0.5 < t < refused[0] + 2 - 0.05]
    assert during == []
    assert len([t for t, _ in hits if t >= refused[0] + 2 - 0.05]) >= 1
    assert len(used_pids(cluster)) >= 3


class Monitor:
    """Every command a redis-server receives (MONITOR), collected in a thread until `stop()`."""

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url)
        self.seen: list[bytes] = []
        self._stop = threading.Event()
        ready = threading.Event()

        def watch():
            with self.client.monitor() as monitor:
                ready.set()
                for command in monitor.listen():
                    self.seen.append(command["command"].encode("utf-8", "surrogateescape"))
                    if self._stop.is_set():
                        return
        self.thread = threading.Thread(target=watch, daemon=True)
        self.thread.start()
        assert ready.wait(10)

    def stop(self) -> list[bytes]:
        self._stop.set()
        redis.Redis(connection_pool=self.client.connection_pool).ping()  # wakes the loop
        self.thread.join(timeout=10)
        return self.seen


def test_secrets_resolve_in_the_worker_and_never_cross_the_broker(cluster):
    cluster.reset()
    monitors = [Monitor(cluster.broker_url), Monitor(cluster.state_redis.url)]
    spec = {"mapping": {"url": f'"{cluster.api}/secret"', "headers": '{"X-Api-Key": "<<secrets.API_KEY>>"}',
                        "resultExpression": "{ok: response.body.ok, echoed: \"<<secrets.API_KEY>>\"}"}}
    marker = f"marker-{uuid.uuid4().hex}"  # a variable: it does travel, base64-encoded in the body
    answer = result_of(call(cluster.app, spec, {"marker": marker}), timeout=30)
    auth = ('{type: "oauth2-client-credentials", tokenEndpoint: "' + cluster.api + '/token", '
            'clientId: "post-client", clientSecret: "<<secrets.CLIENT_SECRET>>", scopes: "read"}')
    token = result_of(call(cluster.app, {"mapping": {  # a new scope: a token fetched and shared now
        "url": f'"{cluster.api}/api/me"', "authentication": auth,
        "resultExpression": "{scope: response.body.scope}"}}), timeout=30)
    broker, state = (m.stop() for m in monitors)
    assert answer["ok"] and answer["outputs"]["ok"] is True  # the worker had the key
    assert answer["outputs"]["echoed"] == "***"  # an output equal to a secret is masked...
    assert any("masked" in w for w in answer["warnings"])  # ...and the caller is told
    assert token["outputs"] == {"scope": "read"} and cluster.stats()["token_requests"] == 1
    assert len(broker) > 10 and any(b"feelish:token:" in c for c in state)  # both were watched
    assert any(marker.encode() in form for forms in map(decoded_forms, broker) for form in forms)
    for secret in (API_KEY, CLIENT_SECRET):
        for forms in map(decoded_forms, broker + state):
            assert not any(secret.encode() in form for form in forms)


def decoded_forms(raw: bytes) -> list[bytes]:
    """A monitored command and every base64 text inside it, decoded (message bodies are base64)."""
    forms = [raw, raw.replace(b"\\\\", b"\\")]
    for chunk in re.findall(rb"[A-Za-z0-9+/=]{12,}", raw):
        try:
            forms.append(base64.b64decode(chunk + b"=" * (-len(chunk) % 4)))
        except ValueError:
            pass
    return forms


def test_a_redis_outage_degrades_to_each_process_with_a_warning(cluster):
    cluster.reset()
    spec = {"mapping": {"url": f'"{cluster.api}/api/me"', "authenticationConfiguration": '"cc"',
                        "resultExpression": "{client: response.body.client_id}"}}
    cluster.state_redis.extra["kill"]()
    try:
        results = [call(cluster.app, spec) for _ in range(40)]
        assert [a["outputs"] for a in answers(results)] == [{"client": "post-client"}] * 40
    finally:
        cluster.state_redis.extra["restart"]()
    log = cluster.log.read_text(errors="replace")
    assert "is unavailable (ConnectionError)" in log and "own token cache" in log
    assert CLIENT_SECRET not in log and API_KEY not in log
    assert cluster.stats()["token_requests"] <= PROCESSES  # at most one per process on its own
