"""The Orchestration Cluster REST API (v2) calls of a job worker: activate jobs (long poll),
complete, fail, throw a BPMN error; authenticated with none, basic, or OAuth2 client credentials
(tokens from feelish's token cache)."""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx2

from ...auth import TokenCache, build_auth
from .job import Job, millis
from .json_values import jsonable

log = logging.getLogger("feelish.worker")

#: attempts for complete / fail / throw-error on a transient failure (as Camunda's runtime does)
COMMAND_ATTEMPTS = 3


class ClusterError(Exception):
    """The cluster refused a request or could not be reached.  `status` is None for a network
    failure; `gone` is True when the job no longer belongs to this worker (404, 409)."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status

    @property
    def gone(self) -> bool:
        return self.status in (404, 409)

    @property
    def transient(self) -> bool:
        return self.status is None or self.status in (429, 502, 503, 504)


def rest_base(address: str) -> str:
    """`http://host:8080` or `http://host:8080/v2` -> `http://host:8080/v2`."""
    address = address.strip().rstrip("/")
    if not address.startswith(("http://", "https://")):
        raise ValueError(f"the cluster address must be an http(s) URL, not {address!r}")
    return address if address.endswith("/v2") else address + "/v2"


def cluster_auth(config: Mapping[str, Any] | None, cache: TokenCache) -> httpx2.Auth | None:
    """`None` / `{type: none}`, `{type: basic, username, password}`, or `{type:
    oauth2-client-credentials, tokenEndpoint, clientId, clientSecret, audience?, scopes?}`:
    the modes of feelish.auth, so OAuth2 tokens are cached and renewed ahead of expiry."""
    return build_auth(dict(config) if config else None, cache=cache)


class ClusterClient:
    """Async client of the job endpoints.  One per worker; `aclose()` when done."""

    def __init__(self, address: str, *, auth: Mapping[str, Any] | None = None,
                 token_cache: TokenCache | None = None, verify: bool | str = True,
                 timeout: float = 30.0):
        self.base = rest_base(address)
        self.timeout = timeout
        self._auth = cluster_auth(auth, token_cache if token_cache is not None else TokenCache())
        self._client = httpx2.AsyncClient(verify=verify, trust_env=False,
                                          headers={"Accept": "application/json"})

    def __repr__(self) -> str:
        return f"ClusterClient({self.base!r})"

    async def _post(self, path: str, body: dict[str, Any] | None, *, timeout: float) -> httpx2.Response:
        content = json.dumps(jsonable(body), ensure_ascii=False, separators=(",", ":")).encode() \
            if body is not None else None
        headers = {"Content-Type": "application/json"} if content is not None else {}
        try:
            response = await self._client.post(self.base + path, content=content, headers=headers,
                                               auth=self._auth, timeout=timeout)
        except httpx2.HTTPError as exc:
            raise ClusterError(f"POST {path}: {type(exc).__name__}") from None
        if response.status_code >= 400:
            raise ClusterError(f"POST {path}: {response.status_code} {_detail(response)}",
                               status=response.status_code)
        return response

    async def activate(self, job_type: str, *, worker: str, max_jobs: int, timeout: timedelta,
                       request_timeout: timedelta, fetch_variables: Iterable[str] | None = None,
                       tenant_ids: Iterable[str] | None = None) -> list[Job]:
        """Long-poll for up to `max_jobs` jobs: the cluster answers once at least one job is
        activated, or after `request_timeout` with none."""
        body: dict[str, Any] = {"type": job_type, "worker": worker, "maxJobsToActivate": max_jobs,
                                "timeout": millis(timeout), "requestTimeout": millis(request_timeout)}
        if fetch_variables is not None:
            body["fetchVariable"] = list(fetch_variables)
        if tenant_ids:
            body["tenantIds"] = list(tenant_ids)
        wait = request_timeout.total_seconds() + self.timeout
        response = await self._post("/jobs/activation", body, timeout=wait)
        try:
            data = json.loads(response.content, parse_float=Decimal)
            return [Job.from_api(item) for item in data["jobs"]]
        except (ValueError, KeyError, TypeError):
            raise ClusterError("POST /jobs/activation: the answer is not a job list",
                               status=response.status_code) from None

    async def complete(self, key: str, variables: Mapping[str, Any]) -> None:
        await self._command(f"/jobs/{key}/completion", {"variables": dict(variables)})

    async def fail(self, key: str, *, retries: int, message: str, backoff: timedelta | None = None,
                   variables: Mapping[str, Any] | None = None) -> None:
        body: dict[str, Any] = {"retries": retries, "errorMessage": message}
        if backoff is not None:
            body["retryBackOff"] = millis(backoff)
        if variables:
            body["variables"] = dict(variables)
        await self._command(f"/jobs/{key}/failure", body)

    async def throw_error(self, key: str, *, code: str, message: str | None,
                          variables: Mapping[str, Any] | None = None) -> None:
        body: dict[str, Any] = {"errorCode": code}
        if message is not None:
            body["errorMessage"] = message
        if variables:
            body["variables"] = dict(variables)
        await self._command(f"/jobs/{key}/error", body)

    async def _command(self, path: str, body: dict[str, Any]) -> None:
        for attempt in range(1, COMMAND_ATTEMPTS + 1):
            try:
                await self._post(path, body, timeout=self.timeout)
                return
            except ClusterError as exc:
                if not exc.transient or attempt == COMMAND_ATTEMPTS:
                    raise
                log.warning("%s failed (%s), attempt %d of %d", path, exc, attempt, COMMAND_ATTEMPTS)
                await asyncio.sleep(0.5 * attempt)

    async def aclose(self) -> None:
        await self._client.aclose()


def _detail(response: httpx2.Response) -> str:
    """The problem detail's title and detail (RFC 9457), else the reason phrase."""
    try:
        problem = response.json()
        parts = [str(problem.get(k)) for k in ("title", "detail") if problem.get(k)]
        if parts:
            return ": ".join(parts)[:500]
    except (ValueError, AttributeError):
        pass
    return response.reason_phrase or ""
