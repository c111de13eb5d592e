"""Fixtures: the stand-in cluster, and a real worker serving it on a thread (stopped and joined
at the end of each test, bounded)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

import feelish
from feelish.integrations.camunda import Worker

from .gate import Gate
from .standin import Standin


@pytest.fixture
def standin(request):
    cluster = Standin()
    request.addfinalizer(cluster.close)
    return cluster


@pytest.fixture
def gate(request):
    """A loopback server whose calls wait until the test opens `gate.open`."""
    server = Gate()
    request.addfinalizer(server.close)
    return server


class RunningWorker:
    """A Worker on its own thread and event loop."""

    def __init__(self, worker: Worker):
        self.worker = worker
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="camunda-worker", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.worker.run(handle_signals=False)
        except BaseException as exc:  # surfaced by stop()
            self.error = exc

    def stop(self, timeout: float = 30.0) -> None:
        self.worker.stop()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the worker did not stop"
        if self.error is not None:
            raise self.error


@pytest.fixture
def start_worker(request, standin):
    """`start_worker(secrets=..., **worker_options)` -> RunningWorker on the stand-in."""
    running: list[RunningWorker] = []

    def start(*, secrets=None, runtime=None, **options) -> RunningWorker:
        options.setdefault("request_timeout", timedelta(milliseconds=500))
        options.setdefault("drain_timeout", 20.0)
        if runtime is None:
            runtime = feelish.Runtime(secrets=secrets, trust_env=False)
            request.addfinalizer(runtime.close)
        options.setdefault("address", standin.url)
        worker = RunningWorker(Worker(options.pop("address"), runtime=runtime, **options))
        running.append(worker)
        return worker

    yield start
    for worker in running:
        if worker.thread.is_alive():
            worker.stop()


@pytest.fixture
def finish(standin, start_worker):
    """`finish(*keys, **worker_options)`: a worker serves until those jobs are finished, then
    stops; returns the Worker."""
    def run(*keys: str, **options) -> Worker:
        running = start_worker(**options)
        assert standin.wait_for(lambda: standin.finished(*keys))
        running.stop()
        return running.worker
    return run
