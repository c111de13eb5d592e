"""`Worker`: activates REST-connector jobs from a Camunda 8 cluster, runs each with feelish's
runtime and reports the outcome (complete, fail with retries and backoff, BPMN error), with at
most `max_jobs` jobs at once; `stop()` or SIGTERM/SIGINT stops polling and drains the jobs in
flight (a second signal abandons them to their job timeout)."""
from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

import feelish
from feelish import ConnectorError, FeelishError, Redactor

from .cluster import ClusterClient, ClusterError
from .inputs import INPUT_VARIABLES, connector_fields
from .job import REST_JOB_TYPE, Job, parse_duration
from .outcome import Action, Complete, Fail, ThrowError, on_failure, on_success

log = logging.getLogger("feelish.worker")


class Worker:
    """A job worker for the REST connector's job types.

    address:         the cluster's REST address (`/v2` is added when missing).
    auth:            the cluster's authentication: None, `{type: "basic", username, password}`
                     or `{type: "oauth2-client-credentials", tokenEndpoint, clientId,
                     clientSecret, audience?, scopes?}`.
    job_types:       the job types to serve: `io.camunda:http-json:1` and any hybrid task type.
    runtime:         the feelish Runtime (secrets, pools, token cache); one is made if None.
    max_jobs:        jobs running at once, over all job types.
    job_timeout:     how long the cluster gives this worker for a job before handing it out again.
    request_timeout: how long one activation request may wait for jobs (long polling).
    fetch_variables: the variables to fetch (default: the REST connector's inputs; None: all).
    close_runtime:   close the runtime when the worker stops (default: only one it made itself).
    """

    def __init__(self, address: str, *, auth: Mapping[str, Any] | None = None,
                 job_types: Iterable[str] = (REST_JOB_TYPE,), runtime: feelish.Runtime | None = None,
                 name: str = "feelish", max_jobs: int = 32, job_timeout: timedelta = timedelta(minutes=5),
                 request_timeout: timedelta = timedelta(seconds=10),
                 fetch_variables: Iterable[str] | None = INPUT_VARIABLES,
                 tenant_ids: Iterable[str] | None = None, drain_timeout: float = 30.0,
                 verify: bool | str = True, close_runtime: bool | None = None):
        self.job_types = tuple(job_types)
        if not self.job_types or max_jobs < 1:
            raise ValueError("a worker needs at least one job type and max_jobs >= 1")
        self.address, self.auth, self.verify = address, auth, verify
        self.name, self.max_jobs = name, max_jobs
        self.job_timeout, self.request_timeout = job_timeout, request_timeout
        self.fetch_variables = None if fetch_variables is None else tuple(fetch_variables)
        self.tenant_ids = tuple(tenant_ids) if tenant_ids else None
        self.drain_timeout = drain_timeout
        self._close_runtime = runtime is None if close_runtime is None else close_runtime
        self.runtime = runtime if runtime is not None else feelish.Runtime()
        self.stats: Counter = Counter()
        self._free = max_jobs
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._capacity: asyncio.Condition | None = None
        self._tasks: set[asyncio.Task] = set()
        self._stop_requested = threading.Event()
        self.cluster: ClusterClient | None = None

    def __repr__(self) -> str:
        return f"Worker({self.address!r}, job_types={self.job_types!r}, max_jobs={self.max_jobs})"

    # ------------------------------------------------------------------ control
    def stop(self) -> None:
        """Stop polling and finish the jobs in flight; safe from any thread or a signal handler."""
        self._stop_requested.set()
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopping.set)

    def abandon(self) -> None:
        """Stop at once: jobs in flight are cancelled and left to their job timeout."""
        self.stop()
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: [t.cancel() for t in list(self._tasks)])

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def run(self, *, handle_signals: bool = True) -> None:
        """Serve until `stop()`, SIGTERM or SIGINT (signals only in the main thread)."""
        asyncio.run(self._main(handle_signals and threading.current_thread() is threading.main_thread()))

    async def _main(self, handle_signals: bool) -> None:
        if handle_signals:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, self._on_signal)
        await self.serve()

    def _on_signal(self) -> None:
        if self._stop_requested.is_set():
            log.warning("second signal: abandoning %d job(s) in flight", self.in_flight)
            self.abandon()
        else:
            log.info("stopping: no new jobs; finishing %d in flight", self.in_flight)
            self.stop()

    # ------------------------------------------------------------------ main loop
    async def serve(self) -> None:
        """Poll and run jobs until stopped, then drain."""
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._capacity = asyncio.Condition()
        if self._stop_requested.is_set():
            self._stopping.set()
        self.cluster = ClusterClient(self.address, auth=self.auth, token_cache=self.runtime.token_cache,
                                     verify=self.verify)
        log.info("worker %s serving %s at %s (max %d jobs)", self.name, ", ".join(self.job_types),
                 self.cluster.base, self.max_jobs)
        pollers = [asyncio.create_task(self._poll(t)) for t in self.job_types]
        try:
            await self._stopping.wait()
        finally:
            for poller in pollers:
                poller.cancel()
            await asyncio.gather(*pollers, return_exceptions=True)
            await self._drain()
            await self.cluster.aclose()
            if self._close_runtime:
                await self.runtime.aclose()
            else:  # the runtime's clients for this loop cannot serve any other loop
                await self.runtime.aclose_async_clients()
        log.info("worker %s stopped: %s", self.name, dict(self.stats))

    async def _drain(self) -> None:
        if not self._tasks:
            return
        done, pending = await asyncio.wait(set(self._tasks), timeout=self.drain_timeout)
        for task in pending:
            task.cancel()
        if pending:
            self.stats["abandoned"] += len(pending)
            log.warning("%d job(s) did not finish within %s s; the cluster will hand them out "
                        "again after their job timeout", len(pending), self.drain_timeout)
            await asyncio.gather(*pending, return_exceptions=True)

    async def _reserve(self) -> int:
        """Wait for free slots and take a share of them (so each job type keeps polling)."""
        share = max(1, self.max_jobs // len(self.job_types))
        async with self._capacity:
            await self._capacity.wait_for(lambda: self._free > 0)
            taken = min(self._free, share)
            self._free -= taken
            return taken

    async def _release(self, count: int) -> None:
        async with self._capacity:
            self._free += count
            self._capacity.notify_all()

    async def _poll(self, job_type: str) -> None:
        delay = 1.0
        while True:
            slots = await self._reserve()
            if self._stopping.is_set():  # stopped while waiting for a slot: take no more jobs
                await self._release(slots)
                return
            try:
                jobs = await self.cluster.activate(
                    job_type, worker=self.name, max_jobs=slots, timeout=self.job_timeout,
                    request_timeout=self.request_timeout, fetch_variables=self.fetch_variables,
                    tenant_ids=self.tenant_ids)
            except asyncio.CancelledError:
                await self._release(slots)
                raise
            except Exception as exc:  # ClusterError, or a bug: keep polling, with a backoff
                await self._release(slots)
                log.warning("activating %s jobs failed: %s; retrying in %.0f s", job_type,
                            exc if isinstance(exc, ClusterError) else type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = 1.0
            jobs = jobs[:slots]
            await self._release(slots - len(jobs))
            for job in jobs:
                self.stats["activated"] += 1
                task = asyncio.create_task(self._handle(job))
                self._tasks.add(task)
                self.stats["max_in_flight"] = max(self.stats["max_in_flight"], len(self._tasks))
                task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ one job
    async def _handle(self, job: Job) -> None:
        try:
            try:
                action = await self.execute(job)
            except Exception as exc:  # a bug in feelish: the job fails visibly, not by timeout
                log.exception("%s: internal error", job.describe())
                action = Fail(f"internal error in the feelish worker ({type(exc).__name__})",
                              max(job.retries - 1, 0))
            await self._report_or_refuse(job, action)
        except ClusterError as exc:
            level = logging.WARNING if exc.gone else logging.ERROR
            log.log(level, "%s: reporting the outcome failed: %s", job.describe(), exc)
            self.stats["report_failed"] += 1
        except asyncio.CancelledError:
            log.warning("%s abandoned", job.describe())
            raise
        finally:
            await self._release(1)

    async def _report_or_refuse(self, job: Job, action: Action) -> None:
        """Report; when the cluster refuses a completion or an error as invalid (400: say, the
        variables are too large), fail the job without retries so an incident shows why,
        instead of the job timing out again and again."""
        try:
            await self._report(job, action)
        except ClusterError as exc:
            if exc.status != 400 or isinstance(action, Fail):
                raise
            log.warning("%s: the cluster refused the outcome (%s); failing the job", job.describe(), exc)
            await self._report(job, Fail(f"the cluster refused the job's outcome: {exc}", 0))

    async def execute(self, job: Job) -> Action:
        """Run one job's REST call and decide what to report (never raises for a job's fault)."""
        backoff = None
        try:
            if job.header("retryBackoff"):
                backoff = parse_duration(job.header("retryBackoff"))
        except ValueError as exc:
            return Fail(f"Failed to parse retry backoff header: {exc}", 0)
        try:
            connector = feelish.Connector.from_mapping(connector_fields(job.variables),
                                                       runtime=self.runtime, name=job.type)
            outcome = await connector.run_async(job.variables)
        except ConnectorError as exc:
            return on_failure(job, exc, backoff)
        except FeelishError as exc:  # a bad `=` expression in an input: no retry can fix it
            return on_failure(job, ConnectorError("INPUT_ERROR", str(exc)), backoff)
        return _redacted(on_success(job, outcome.response or {}), Redactor(outcome.secret_values))

    async def _report(self, job: Job, action: Action) -> None:
        if isinstance(action, Complete):
            await self.cluster.complete(job.key, action.variables)
            self.stats["completed"] += 1
            log.info("%s completed", job.describe())
        elif isinstance(action, ThrowError):
            await self.cluster.throw_error(job.key, code=action.code, message=action.message,
                                           variables=action.variables)
            self.stats["bpmn_errors"] += 1
            log.info("%s threw BPMN error %s", job.describe(), action.code)
        else:
            await self.cluster.fail(job.key, retries=action.retries, message=action.message,
                                    backoff=action.backoff, variables=action.variables)
            self.stats["failed"] += 1
            log.info("%s failed (%d retries left): %.200s", job.describe(), action.retries, action.message)


def _redacted(action: Action, redactor: Redactor) -> Action:
    """Mask every secret value the call used in what goes back to the cluster (a server may
    echo a credential in its response)."""
    if not redactor:
        return action
    if isinstance(action, Complete):
        return Complete(redactor.value(action.variables))
    if isinstance(action, ThrowError):
        return ThrowError(action.code, None if action.message is None else redactor.text(action.message),
                          redactor.value(action.variables))
    return Fail(redactor.text(action.message), action.retries, action.backoff,
                None if action.variables is None else redactor.value(action.variables))
