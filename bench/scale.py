"""``python3 -m bench.scale [--calls N] [--docs]``: connector calls as Celery tasks.

Throughput of 1, 2 and 4 worker processes (one `celery worker --concurrency n`, prefork, with
Redis as broker, result backend and shared state) against bench.server, as a ratio to one
process making the same calls directly with `Connector.run`.  Needs `feelish[celery]` and
Debian's redis-server; starts and stops everything itself, all on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

from . import connector_adapter
from .serverproc import running_server

PROCESSES = (1, 2, 4)
SECTION = "## Scale-out: connector calls as Celery tasks"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis() -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    import redis
    client = redis.Redis(port=port)
    for _ in range(500):
        try:
            client.ping()
            return proc, f"redis://127.0.0.1:{port}/0"
        except redis.ConnectionError:
            time.sleep(0.02)
    proc.kill()
    raise SystemExit("redis-server did not start")


def _spec(base: str) -> dict:
    return {"mapping": {"method": '"GET"', "url": f'"{base}/orders/" + string(orderId)',
                        "queryParameters": "{page: page, limit: 50}",
                        "resultExpression": connector_adapter.RESULT}, "inputs": ["orderId", "page"]}


def _direct_connector(base: str):
    conn, reason = connector_adapter.order_connector(base, trust_env=False)
    if conn is None:
        raise SystemExit(reason)
    for _ in range(50):
        conn.run({"orderId": 7, "page": 2})
    return conn


def direct(conn, calls: int) -> float:
    started = time.perf_counter()
    for i in range(calls):
        conn.run({"orderId": i, "page": 2})
    return calls / (time.perf_counter() - started)


def _tasks(app, send, calls: int) -> float:
    from celery.result import ResultSet

    started = time.perf_counter()
    answers = ResultSet([send(i) for i in range(calls)]).join_native(timeout=600)
    elapsed = time.perf_counter() - started
    if not all(a.get("ok") for a in answers):
        raise SystemExit("a benchmark call failed: " + repr(next(a for a in answers if not a.get("ok"))))
    return calls / elapsed


def _worker(redis_url: str, processes: int) -> subprocess.Popen:
    env = {**os.environ, "FEELISH_BENCH_REDIS": redis_url}
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "bench.scale_app", "worker",
                             "--pool", "prefork", "--concurrency", str(processes), "--loglevel", "ERROR",
                             "--without-gossip", "--without-mingle", "--without-heartbeat"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _stop(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def measure(base: str, redis_url: str, processes: int, calls: int, rounds: int, conn) -> dict:
    """Rounds of: direct calls here, the same calls as tasks, as many no-op tasks; medians."""
    from celery.result import ResultSet

    from feelish.integrations.celery import call

    from .scale_app import app, noop
    spec = _spec(base)
    worker = _worker(redis_url, processes)
    try:
        ResultSet([call(app, spec, {"orderId": 1, "page": 2}) for _ in range(20 * processes)]).join_native(timeout=120)
        got: dict[str, list[float]] = {"direct": [], "celery": [], "noop": []}
        for _ in range(rounds):
            got["direct"].append(direct(conn, calls))
            got["celery"].append(_tasks(app, lambda i: call(app, spec, {"orderId": i, "page": 2}), calls))
            got["noop"].append(_tasks(app, lambda i: noop.apply_async(kwargs={"orderId": i}), calls))
        ratios = [c / d for c, d in zip(got["celery"], got["direct"])]
        of_noop = [c / n for c, n in zip(got["celery"], got["noop"])]
    finally:
        _stop(worker)
    return {"processes": processes, "direct": statistics.median(got["direct"]),
            "calls_per_s": statistics.median(got["celery"]), "noop_per_s": statistics.median(got["noop"]),
            "ratio": statistics.median(ratios), "of_noop": statistics.median(of_noop)}


def run(calls: int, rounds: int, log=print) -> dict:
    redis_proc, redis_url = _start_redis()
    os.environ["FEELISH_BENCH_REDIS"] = redis_url  # read by bench.scale_app when it is imported
    try:
        with running_server() as base:
            conn = _direct_connector(base)
            rows = []
            for n in PROCESSES:
                log(f"{n} worker process(es): {rounds} rounds of {calls} calls ...")
                rows.append(measure(base, redis_url, n, calls, rounds, conn))
            connector_adapter.close(conn)
    finally:
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
    return {"calls": calls, "rounds": rounds, "rows": rows,
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": f"CPython {platform.python_version()}, {platform.system()} {platform.machine()}, "
                       f"{os.cpu_count()} CPUs"}


def table(res: dict) -> str:
    lines = [SECTION, "",
             f"`python3 -m bench.scale --calls {res['calls']} --rounds {res['rounds']}`, {res['date']}, "
             f"{res['machine']}.", "",
             "The order connector of the HTTP benchmark (GET, query parameters, a three-field result "
             "mapping) against bench.server. Workers: one `celery worker --pool prefork --concurrency n`, "
             "Redis as broker, result backend and shared state (`Runtime(redis_url=...)`). Throughput "
             "from the first task sent to the last answer received; the sender, Redis, the server and "
             "the workers share the machine's cores. Each round runs the calls directly in one process "
             "(`Connector.run` in a loop), then as tasks, then as many no-op tasks (Celery's own cost "
             "per task: same broker, same backend, no connector); medians over the rounds.", "",
             "| worker processes | calls/s as tasks | ÷ one process calling directly | "
             "no-op tasks/s | ÷ no-op |", "|---|---|---|---|---|"]
    for row in res["rows"]:
        lines.append(f"| {row['processes']} | {row['calls_per_s']:,.0f} | {row['ratio']:.2f}× "
                     f"(direct: {row['direct']:,.0f}/s) | {row['noop_per_s']:,.0f} | {row['of_noop']:.2f}× |")
    lines += ["", NOTE]
    return "\n".join(lines)


NOTE = ("Reading it: a task costs Celery several milliseconds here (publish, deliver to a pool "
        "process, store and publish the result), against about a millisecond for a direct call to "
        "a local server, so the no-op column is the ceiling and the connector task reaches a good "
        "part of it. On a 2-core machine more worker processes cannot add cores; the figures also "
        "move with whatever else the machine runs. Scale-out pays where calls wait on slow remote "
        "APIs or where there are more machines, not against a fast local server.")


def write_docs(text: str, path: str = "docs/benchmarks.md") -> None:
    """Put the section into docs/benchmarks.md, replacing an earlier one."""
    with open(path, encoding="utf-8") as fh:
        doc = fh.read()
    pattern = re.compile(re.escape(SECTION) + r".*?(?=\n## |\Z)", re.S)
    doc = pattern.sub(lambda _: text + "\n", doc) if pattern.search(doc) else doc.rstrip("\n") + "\n\n" + text + "\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(doc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.scale", description=__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--docs", action="store_true", help="write the table into docs/benchmarks.md")
    args = parser.parse_args(argv)
    res = run(args.calls, args.rounds, log=lambda msg: print(msg, file=sys.stderr, flush=True))
    text = table(res)
    print(text)
    if args.docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
