"""A stand-in for the job endpoints of a Camunda 8 Orchestration Cluster (REST API v2), written
from the published specification, served on 127.0.0.1.  No Zeebe broker can run here.

It keeps jobs in memory and implements what the worker relies on:
  POST /v2/jobs/activation        long polling: answers as soon as a job can be activated, or
                                  after `requestTimeout` ms (0: the default, below 0: at once);
                                  `timeout` makes an unfinished job activatable again;
                                  `fetchVariable` filters the variables
  POST /v2/jobs/{key}/completion  204; 404 unknown job; 409 not activated
  POST /v2/jobs/{key}/failure     204; retries > 0: activatable again after `retryBackOff` ms,
                                  else an incident
  POST /v2/jobs/{key}/error       204 (the error is thrown)
Every request is checked: path, method, the auth header (a callable decides), the content type
and the body against the JSON Schemas in spec.py; anything wrong is answered 400/401/404/405 as
problem+json AND recorded in `violations`.  Every request is recorded in `requests`.
"""
from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from werkzeug.wrappers import Request, Response

from tests.servers import serve_wsgi

from . import spec
from .waiting import wait_until

DEFAULT_REQUEST_TIMEOUT_MS = 5000
_COMMAND_PATH = re.compile(r"^/v2/jobs/([^/]+)/(completion|failure|error)$")
_KEYS = itertools.count(2251799813685249)


@dataclass
class StandinJob:
    key: str
    type: str
    variables: dict[str, Any]
    headers: dict[str, str]
    retries: int
    state: str = "ACTIVATABLE"   # ACTIVATED, COMPLETED, FAILED, INCIDENT, ERROR_THROWN
    deadline: float = 0.0
    not_before: float = 0.0
    worker: str | None = None
    activations: int = 0
    history: list[tuple[str, dict]] = field(default_factory=list)   # (command, body)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    delivered: list[str] = field(default_factory=list)   # activation: the job keys it answered


class Standin:
    """The stand-in cluster; `url` is its address (without /v2)."""

    def __init__(self, authorize: Callable[[str | None], bool] = lambda header: header is None):
        self.authorize = authorize
        self.jobs: dict[str, StandinJob] = {}
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.max_activated = 0
        self.faults: list[tuple[str, int]] = []   # (path suffix, status) answered once each
        self._cond = threading.Condition()
        self._closing = False
        self._server = serve_wsgi(self._app)
        self.url = self._server.url

    # ------------------------------------------------------------------ test side
    def add_job(self, job_type: str, variables: dict, headers: dict | None = None, retries: int = 3) -> str:
        key = str(next(_KEYS))
        with self._cond:
            self.jobs[key] = StandinJob(key, job_type, variables, dict(headers or {}), retries)
            self._cond.notify_all()
        return key

    def fail_next(self, suffix: str, status: int) -> None:
        """Answer the next request whose path ends with `suffix` with `status` (a transient
        failure of the cluster), before doing anything else."""
        with self._cond:
            self.faults.append((suffix, status))

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
        """Wait (bounded) until `predicate()` holds; True if it did."""
        return wait_until(self._cond, predicate, timeout)

    def finished(self, *keys: str) -> bool:
        return all(self.jobs[k].state not in ("ACTIVATABLE", "ACTIVATED") for k in keys)

    def activated_count(self) -> int:
        return sum(1 for j in self.jobs.values() if j.state == "ACTIVATED")

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._server.close()

    # ------------------------------------------------------------------ HTTP side
    def _problem(self, status: int, detail: str, path: str, *, record: bool = True) -> Response:
        if record:
            with self._cond:
                self.violations.append(f"{status} {path}: {detail}")
        body = {"type": "about:blank", "title": {400: "Bad Request", 401: "Unauthorized",
                                                 404: "Not Found", 405: "Method Not Allowed",
                                                 409: "Conflict"}.get(status, "Error"),
                "status": status, "detail": detail, "instance": path}
        return Response(json.dumps(body), status=status, content_type="application/problem+json")

    def _app(self, environ, start_response):
        request = Request(environ)
        return self._dispatch(request)(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        path = request.path
        raw = request.get_data()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = ...
        record = Recorded(request.method, path, dict(request.headers), body)
        with self._cond:
            self.requests.append(record)
        with self._cond:
            fault = next((f for f in self.faults if path.endswith(f[0])), None)
            if fault is not None:
                self.faults.remove(fault)
        if fault is not None:
            return self._problem(fault[1], "injected by the test", path, record=False)
        if not self.authorize(request.headers.get("Authorization")):
            return self._problem(401, "missing or wrong credentials", path)
        command = _COMMAND_PATH.match(path)
        if path != "/v2/jobs/activation" and command is None:
            return self._problem(404, f"no endpoint {request.method} {path} in the stand-in", path)
        if request.method != "POST":
            return self._problem(405, f"{path} takes POST, not {request.method}", path)
        if raw:
            ctype = (request.mimetype or "").lower()
            if ctype != "application/json":
                return self._problem(400, f"content type must be application/json, not {ctype!r}", path)
            if body is ...:
                return self._problem(400, "the body is not JSON", path)
        if command is None:
            return self._activate(path, body, record)
        key, verb = command.groups()
        if not re.match(spec.JOB_KEY, key) or len(key) > spec.JOB_KEY_MAX_LENGTH:
            return self._problem(400, f"{key!r} is not a job key", path)
        schema, required = spec.COMMANDS[verb]
        if body is None and required:
            return self._problem(400, "a body is required", path)
        if body is not None:
            error = _invalid(body, schema)
            if error:
                return self._problem(400, error, path)
        return self._command(path, key, verb, body or {})

    def _activate(self, path: str, body: Any, record: Recorded) -> Response:
        if body is None:
            return self._problem(400, "a body is required", path)
        error = _invalid(body, spec.JOB_ACTIVATION_REQUEST)
        if error:
            return self._problem(400, error, path)
        wait_ms = body.get("requestTimeout", 0)
        wait = DEFAULT_REQUEST_TIMEOUT_MS / 1000 if wait_ms == 0 else max(wait_ms, 0) / 1000
        end = time.monotonic() + wait
        with self._cond:
            while True:
                jobs = self._take(body)
                left = end - time.monotonic()
                if jobs or left <= 0 or self._closing:
                    break
                self._cond.wait(min(left, 0.05))
            answer = {"jobs": [self._activated(j, body) for j in jobs]}
            record.delivered = [j.key for j in jobs]
        error = _invalid(answer, spec.JOB_ACTIVATION_RESULT)
        if error:  # the stand-in's own answer must follow the spec too
            return self._problem(500, f"stand-in answer: {error}", path)
        return Response(json.dumps(answer), status=200, content_type="application/json")

    def _take(self, body: dict) -> list[StandinJob]:
        now = time.time()
        for job in self.jobs.values():  # job timeout: back to activatable
            if job.state == "ACTIVATED" and job.deadline <= now:
                job.state = "ACTIVATABLE"
        ready = [j for j in self.jobs.values() if j.type == body["type"] and j.state == "ACTIVATABLE"
                 and j.not_before <= now][:max(body["maxJobsToActivate"], 0)]
        for job in ready:
            job.state, job.activations = "ACTIVATED", job.activations + 1
            job.deadline = now + body["timeout"] / 1000
            job.worker = body.get("worker", "")
        self.max_activated = max(self.max_activated, self.activated_count())
        return ready

    def _activated(self, job: StandinJob, body: dict) -> dict:
        names = body.get("fetchVariable") or None
        variables = {k: v for k, v in job.variables.items() if names is None or k in names}
        return {"type": job.type, "processDefinitionId": "standin-process", "processDefinitionVersion": 1,
                "elementId": "rest-task", "customHeaders": job.headers, "worker": job.worker,
                "retries": job.retries, "deadline": int(job.deadline * 1000), "variables": variables,
                "tenantId": "<default>", "jobKey": job.key, "processInstanceKey": "2251799813680001",
                "processDefinitionKey": "2251799813680000", "elementInstanceKey": "2251799813680002",
                "kind": "BPMN_ELEMENT", "listenerEventType": "UNSPECIFIED", "rootProcessInstanceKey": None,
                "tags": [], "userTask": None, "priority": 0}

    def _command(self, path: str, key: str, verb: str, body: dict) -> Response:
        with self._cond:
            job = self.jobs.get(key)
            if job is None:
                return self._problem(404, f"job {key} not found", path, record=False)
            if job.state != "ACTIVATED":
                return self._problem(409, f"job {key} is {job.state}, not ACTIVATED", path, record=False)
            job.history.append((verb, body))
            if verb == "completion":
                job.state = "COMPLETED"
            elif verb == "error":
                job.state = "ERROR_THROWN"
            else:
                job.retries = body.get("retries", 0)
                if job.retries > 0:
                    job.state = "ACTIVATABLE"
                    job.not_before = time.time() + body.get("retryBackOff", 0) / 1000
                else:
                    job.state = "INCIDENT"
            self._cond.notify_all()
        return Response(status=204)


def _invalid(value: Any, schema: dict) -> str | None:
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as exc:
        return f"{'/'.join(map(str, exc.absolute_path)) or 'body'}: {exc.message}"
    return None
