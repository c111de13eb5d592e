"""Build the wheel, install it in a clean virtual environment (no system site-packages), and run
`feelish eval`, `feelish check` and `feelish run` on a built-in connector against a local server."""
from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    proc = _run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    wheel = next(dist.glob("feelish-*.whl"))
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True, system_site_packages=False, clear=True).create(env_dir)
    bindir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    proc = _run([bindir / "python", "-m", "pip", "install", "-q", wheel])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return wheel, bindir


@pytest.mark.slow
def test_the_wheel_carries_the_grammars_and_connectors(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"feelish/_data/grammar/feelish.lark", "feelish/_data/grammar/template.lark"} <= names
    for connector in ("get", "head", "delete", "post", "post-file", "put", "put-file", "patch",
                      "oauth2-token", "rest"):
        assert f"feelish/_data/connectors/{connector}.feelish" in names


@pytest.mark.slow
def test_installed_cli_eval_check_run(installed, example_api, tmp_path):
    _, bindir = installed
    feelish = bindir / "feelish"
    # the package comes from the venv, not from the checkout
    proc = _run([bindir / "python", "-c", "import feelish, feelish.resources as r; "
                 "print(feelish.__file__); print(r.data_dir('connectors'))"], cwd=tmp_path)
    where, data = proc.stdout.split()
    assert str(ROOT) not in where and data.endswith("_data/connectors")
    # the parser tables ship in the wheel and match its grammar: a parse needs no Lark import
    proc = _run([bindir / "python", "-c", "import sys; from feelish.language.parser import tables, parse; "
                 "parse('a + 1'); print(tables.load() is not None, 'lark' in sys.modules)"], cwd=tmp_path)
    assert proc.stdout.split() == ["True", "False"], proc.stderr

    proc = _run([feelish, "eval", "sum(xs) / count(xs)", "--var", "xs=[1, 2, 4]", "-c"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "2.333333333333333333333333333333333"

    proc = _run([feelish, "check", "get", "post-file", "oauth2-token"], cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.count(": ok") == 3, proc.stderr

    bad = tmp_path / "bad.feelish"
    bad.write_text("url: missing\n")
    proc = _run([feelish, "check", bad], cwd=tmp_path)
    assert proc.returncode == 2 and "bad.feelish:1:6" in proc.stderr and "Traceback" not in proc.stderr

    proc = _run([feelish, "run", "get", "--arg", f"url={example_api.url}/weather/current",
                 "--var", 'queryParameters={"city": "Paris"}', "-c"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status_code"] == 200 and out["bodyAsObject"]["temperature"] == 18.5

    proc = _run([feelish, "run", "rest", "--arg", f"url={example_api.url}/orders"], cwd=tmp_path)
    assert proc.returncode == 1 and json.loads(proc.stderr)["code"] == "401"
