"""`feelish worker`: serve the REST connector's job types of a Camunda 8 cluster until SIGTERM
or SIGINT.  `add_arguments(parser)` declares the options, `run(args)` runs; the cluster's
settings may also come from Camunda's usual environment variables (CAMUNDA_REST_ADDRESS, ...)."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from .job import REST_JOB_TYPE

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--address", metavar="URL",
                   help="the cluster's REST address (default: $CAMUNDA_REST_ADDRESS, "
                        "$ZEEBE_REST_ADDRESS, else http://localhost:8080); /v2 is added if missing")
    p.add_argument("--type", dest="job_types", action="append", metavar="JOB_TYPE",
                   help=f"a job type to serve (repeatable; default {REST_JOB_TYPE}); add the "
                        "task type of your hybrid REST template")
    p.add_argument("--name", help="the worker name shown in Operate (default: $CAMUNDA_WORKER_NAME "
                                  "or feelish)")
    p.add_argument("--max-jobs", type=int, metavar="N",
                   help="jobs running at once (default: $CAMUNDA_WORKER_MAX_CONCURRENT_JOBS or 32)")
    p.add_argument("--job-timeout", type=float, metavar="SECONDS",
                   help="how long the cluster waits for a job before handing it out again (300)")
    p.add_argument("--request-timeout", type=float, metavar="SECONDS",
                   help="how long one activation request waits for jobs (10)")
    p.add_argument("--drain-timeout", type=float, default=30.0, metavar="SECONDS",
                   help="on SIGTERM/SIGINT, how long jobs in flight may take to finish (30)")
    p.add_argument("--fetch-all-variables", action="store_true",
                   help="fetch every visible variable, not only the REST connector's inputs "
                        "(for '=' expressions that read other variables)")
    p.add_argument("--tenant-id", dest="tenant_ids", action="append", metavar="ID",
                   help="activate jobs of this tenant (repeatable; default: $CAMUNDA_TENANT_IDS, "
                        "comma-separated, else the cluster's default)")
    p.add_argument("--auth", choices=("none", "basic", "oauth"),
                   help="authentication to the cluster (default: $CAMUNDA_AUTH_STRATEGY, else none); "
                        "credentials come from the environment only: CAMUNDA_BASIC_AUTH_USERNAME/"
                        "_PASSWORD, or CAMUNDA_CLIENT_ID, CAMUNDA_CLIENT_SECRET, CAMUNDA_OAUTH_URL, "
                        "CAMUNDA_TOKEN_AUDIENCE, CAMUNDA_TOKEN_SCOPE")
    p.add_argument("--secrets-file", action="append", default=[], metavar="FILE",
                   help="connector secrets in a dotenv-style file (NAME=value) for {{secrets.NAME}}")
    p.add_argument("--secrets-env", action="append", default=[], metavar="PREFIX",
                   help="connector secrets from environment variables: {{secrets.X}} reads PREFIX + X")
    p.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))


class SettingsError(ValueError):
    """A bad option or environment variable (a user mistake)."""


def cluster_auth(strategy: str | None, env: Mapping[str, str]) -> dict[str, Any] | None:
    """The cluster's authentication from Camunda's environment variables."""
    strategy = (strategy or env.get("CAMUNDA_AUTH_STRATEGY") or "none").lower()

    def need(name: str) -> str:
        value = env.get(name)
        if not value:
            raise SettingsError(f"{strategy} authentication needs the environment variable {name}")
        return value

    if strategy == "none":
        return None
    if strategy == "basic":
        return {"type": "basic", "username": need("CAMUNDA_BASIC_AUTH_USERNAME"),
                "password": need("CAMUNDA_BASIC_AUTH_PASSWORD")}
    if strategy == "oauth":
        config = {"type": "oauth2-client-credentials", "tokenEndpoint": need("CAMUNDA_OAUTH_URL"),
                  "clientId": need("CAMUNDA_CLIENT_ID"), "clientSecret": need("CAMUNDA_CLIENT_SECRET")}
        for key, name in (("audience", "CAMUNDA_TOKEN_AUDIENCE"), ("scopes", "CAMUNDA_TOKEN_SCOPE")):
            if env.get(name):
                config[key] = env[name]
        return config
    raise SettingsError(f"unknown authentication strategy {strategy!r}: none, basic or oauth")


def _seconds(value: float | None, env: Mapping[str, str], name: str, default: float) -> timedelta:
    if value is None:
        raw = env.get(name)
        try:
            value = int(raw) / 1000 if raw else default
        except ValueError:
            raise SettingsError(f"{name} must be a number of milliseconds") from None
    if value <= 0:
        raise SettingsError("timeouts must be positive")
    return timedelta(seconds=value)


def _secrets(files: Sequence[str], prefixes: Sequence[str]):
    import feelish

    providers = [feelish.DotenvSecrets(path) for path in files]
    providers += [feelish.EnvironmentSecrets(prefix) for prefix in prefixes]
    return feelish.ChainSecrets(*providers) if providers else None


def build_worker(args: argparse.Namespace, env: Mapping[str, str] | None = None):
    """The Worker the options describe (imported here: `feelish eval` need not load it)."""
    import feelish

    from .inputs import INPUT_VARIABLES
    from .worker import Worker

    env = os.environ if env is None else env
    address = args.address or env.get("CAMUNDA_REST_ADDRESS") or env.get("ZEEBE_REST_ADDRESS") \
        or "http://localhost:8080"
    max_jobs = args.max_jobs if args.max_jobs is not None else env.get("CAMUNDA_WORKER_MAX_CONCURRENT_JOBS", 32)
    try:
        max_jobs = int(max_jobs)
    except ValueError:
        raise SettingsError("CAMUNDA_WORKER_MAX_CONCURRENT_JOBS must be a whole number") from None
    if max_jobs < 1:
        raise SettingsError("--max-jobs must be at least 1")
    try:
        secrets = _secrets(args.secrets_file, args.secrets_env)
    except OSError as exc:
        raise SettingsError(f"cannot read a secrets file: {exc.strerror}") from None
    try:
        return Worker(address, auth=cluster_auth(args.auth, env), job_types=args.job_types or [REST_JOB_TYPE],
                      runtime=feelish.Runtime(secrets=secrets), max_jobs=max_jobs,
                      name=args.name or env.get("CAMUNDA_WORKER_NAME") or "feelish",
                      job_timeout=_seconds(args.job_timeout, env, "CAMUNDA_WORKER_TIMEOUT", 300),
                      request_timeout=_seconds(args.request_timeout, env, "CAMUNDA_WORKER_REQUEST_TIMEOUT", 10),
                      fetch_variables=None if args.fetch_all_variables else INPUT_VARIABLES,
                      tenant_ids=args.tenant_ids or [t.strip() for t in env.get(
                          "CAMUNDA_TENANT_IDS", "").split(",") if t.strip()] or None,
                      drain_timeout=args.drain_timeout, close_runtime=True)
    except feelish.ConnectorError as exc:  # a bad auth setting, named by feelish.auth
        raise SettingsError(f"cluster authentication: {exc.message}") from None
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def run(args: argparse.Namespace, out=None, err=None) -> int:
    """Serve until SIGTERM/SIGINT; returns the exit code."""
    err = err or sys.stderr
    try:
        worker = build_worker(args)
    except SettingsError as exc:
        err.write(f"feelish worker: {exc}\n")
        return EXIT_USAGE
    import logging  # only the worker logs: `feelish eval` does not pay for the module

    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("feelish.worker")
    logger.addHandler(handler)
    logger.setLevel(args.log_level)
    try:
        worker.run()
    finally:
        logger.removeHandler(handler)
    return EXIT_OK

