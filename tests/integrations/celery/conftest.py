"""A real Celery cluster for the integration tests, started once per module:

- the session's redis-server as broker and result backend (database 0, flushed first);
- a redis-server of its own for the shared state (token cache, limits), so a test can take it away;
- two recording servers, each its own process (tests/servers/cluster_server.py): `api` (the
  authlib OAuth2 server, /hit, /busy, /secret) and `limited` (a host with a 20/s limit);
- one `celery worker` with 4 prefork processes, in its own process group, stopped at the end.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
import redis

from tests.servers import start_redis
from tests.servers.base import stop_process
from tests.servers.cluster_server import start_cluster_process

ROOT = Path(__file__).resolve().parents[3]
API_KEY = "k3y-only-the-workers-know"
CLIENT_SECRET = "post-secret-1"
PROCESSES = 4
LIMIT = 20


@dataclass
class Cluster:
    app: object
    broker_url: str
    api: str
    limited: str
    state_redis: object
    worker: subprocess.Popen
    log: Path
    procs: list = field(default_factory=list)

    @property
    def notes(self) -> redis.Redis:
        return redis.Redis.from_url(self.broker_url)

    def stats(self, server: str | None = None) -> dict:
        return httpx2.get(f"{server or self.api}/stats", timeout=10).json()

    def reset(self) -> None:
        for server in (self.api, self.limited):
            httpx2.post(f"{server}/reset", timeout=10)
        self.notes.delete("test:pids", "test:completed")


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM the worker's process group (a warm shutdown), SIGKILL it if that takes too long."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(redis_server, tmp_path_factory):
    broker = f"{redis_server.url}/0"
    redis.Redis.from_url(broker).flushdb()
    state_redis = start_redis()
    procs, worker = [], None
    try:
        api_proc, api = start_cluster_process("--api-key", API_KEY)
        procs.append(api_proc)
        limited_proc, limited = start_cluster_process()
        procs.append(limited_proc)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "FEELISH_TEST_BROKER": broker,
               "FEELISH_TEST_STATE": state_redis.url,
               "FEELISH_TEST_SECRET_API_KEY": API_KEY, "FEELISH_TEST_SECRET_CLIENT_SECRET": CLIENT_SECRET,
               "FEELISH_TEST_CREDENTIALS": json.dumps({"cc": {
                   "type": "oauth2-client-credentials", "tokenEndpoint": f"{api}/token",
                   "clientId": "post-client", "clientSecret": "<<secrets.CLIENT_SECRET>>"}}),
               "FEELISH_TEST_RATE_LIMITS": json.dumps({limited.split("//")[1]: {"perSecond": LIMIT}})}
        log = tmp_path_factory.mktemp("celery") / "worker.log"
        with open(log, "wb") as sink:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "tests.integrations.celery.worker_app", "worker",
                 "--pool", "prefork", "--concurrency", str(PROCESSES), "--loglevel", "WARNING",
                 "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "feelish-test@%h"],
                cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        os.environ["FEELISH_TEST_BROKER"] = broker
        from tests.integrations.celery.worker_app import app

        cluster = Cluster(app, broker, api, limited, state_redis, worker, log, procs)
        _wait_ready(cluster)
        yield cluster
    finally:
        if worker is not None:
            _stop_group(worker)
        for proc in procs:
            stop_process(proc)
        state_redis.close()


def _wait_ready(cluster: Cluster) -> None:
    """Until the worker answers a ping (bounded: 60 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if cluster.worker.poll() is not None:
            raise RuntimeError("the celery worker exited:\n" + cluster.log.read_text()[-3000:])
        if cluster.app.control.ping(timeout=0.5):
            return
    raise RuntimeError("the celery worker did not answer within 60 s:\n" + cluster.log.read_text()[-3000:])
