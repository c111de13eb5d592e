"""`feelish worker` as a real process (`python -m feelish worker`): SIGTERM stops polling and the jobs in flight finish
before it exits 0; secrets from a file are used and never logged; bad settings exit 2."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

from .waiting import wait_until

REST = "io.camunda:http-json:1"
SECRET = "cli-secret-4711"


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.upper().endswith("_PROXY") and not k.startswith(("CAMUNDA_", "ZEEBE_"))}
    env.update(extra)
    return env


def _worker(args, env):
    return subprocess.Popen([sys.executable, "-m", "feelish", "worker", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class Lines:
    """Collects a stream's lines on a thread; `wait_for(text)` waits (bounded) for a line."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()

    def wait_for(self, text: str, timeout: float = 20.0) -> bool:
        return wait_until(self._cond, lambda: any(text in line for line in self.lines), timeout)

    def text(self) -> str:
        self._thread.join(10)
        return "".join(self.lines)


def test_sigterm_finishes_jobs_in_flight_then_exits(standin, gate, tmp_path):
    secrets = tmp_path / "secrets.env"
    secrets.write_text(f"TOKEN={SECRET}\n")
    keys = [standin.add_job(REST, {"url": f"{gate.url}/job/{n}", "headers": {
        "Authorization": "Bearer {{secrets.TOKEN}}"}}, headers={"resultVariable": "r"})
        for n in range(2)]
    process = _worker(["--max-jobs", "2", "--request-timeout", "0.5", "--secrets-file", str(secrets),
                       "--log-level", "DEBUG", "--tenant-id", "<default>"],
                      _env(CAMUNDA_REST_ADDRESS=standin.url, CAMUNDA_WORKER_NAME="cli-worker"))
    err_lines = Lines(process.stderr)
    try:
        assert gate.wait_in_flight(2)
        later = standin.add_job(REST, {"url": f"{gate.url}/late"})
        process.send_signal(signal.SIGTERM)
        assert err_lines.wait_for("stopping: no new jobs; finishing 2 in flight")
        gate.open.set()
        out = process.stdout.read()
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    err = err_lines.text()
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == 0, err
    assert all(standin.jobs[k].state == "COMPLETED" for k in keys)
    assert standin.jobs[later].activations == 0
    activation = next(r.body for r in standin.requests if r.path == "/v2/jobs/activation")
    assert activation["tenantIds"] == ["<default>"] and activation["worker"] == "cli-worker"
    assert "stopping" in err and "completed" in err
    assert SECRET not in err and SECRET not in out
    assert standin.violations == []


def test_bad_settings_exit_2_with_a_message():
    with _worker([], _env(CAMUNDA_AUTH_STRATEGY="basic", CAMUNDA_BASIC_AUTH_USERNAME="u")) as process:
        out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "CAMUNDA_BASIC_AUTH_PASSWORD" in err and "Traceback" not in err
