"""The DMN TCK FEEL corpus (3189 cases, shared/conformance/dmn-tck-feel.jsonl).

Every case runs; the test fails when a case that is not listed in expected_failures.txt fails, or
when a listed case passes (so the list only ever shrinks).  A thrown error counts as a failure,
as the corpus README suggests.  Run as a script for a report by cause:

    python tests/conformance/test_tck.py            # pass rate and failures grouped by folder
    python tests/conformance/test_tck.py --write    # rewrite expected_failures.txt (keeps reasons)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from typed_json import Undecodable, decode, same, show  # noqa: E402

import feelish  # noqa: E402

sys.path.insert(0, str(HERE.parent))
from corpus import CORPUS, require_corpus  # noqa: E402
EXPECTED = HERE / "expected_failures.txt"


def load_cases() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_expected() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        case_id, _, reason = line.partition("\t")
        out[case_id.strip()] = reason.strip()
    return out


def run_case(case: dict) -> str | None:
    """None when the case passes, else a one-line description of what happened."""
    try:
        variables = decode(case["context"])
        expected = decode(case["expected"])
    except Undecodable as exc:
        return f"undecodable: {exc}"
    try:
        got = feelish.compile(case["expression"]).evaluate(variables)
    except feelish.FeelishError as exc:
        return f"raised {type(exc).__name__}: {str(exc).splitlines()[0]}"
    except Exception as exc:  # noqa: BLE001 - a crash is a failure with its own message
        return f"CRASH {type(exc).__name__}: {exc}"
    if same(got, expected):
        return None
    return f"got {show(got)}, expected {show(expected)}"


def run_all() -> tuple[int, dict[str, str]]:
    cases = load_cases()
    failures = {}
    for case in cases:
        problem = run_case(case)
        if problem is not None:
            failures[case["id"]] = problem
    return len(cases), failures


def test_tck_corpus(capsys):
    require_corpus()
    total, failures = run_all()
    expected = load_expected()
    passed = total - len(failures)
    with capsys.disabled():
        print(f"\nDMN TCK: {passed}/{total} passed ({100 * passed / total:.2f}%), "
              f"{len(expected)} expected failures")
        for case_id, reason in sorted(expected.items()):
            print(f"  {case_id}: {reason}")
    assert all(expected.values()), "every expected failure has its reason"
    assert passed * 1000 >= total * 995, "the pass rate is at least 99.5% (issue 16)"
    unexpected = {k: v for k, v in failures.items() if k not in expected}
    fixed = sorted(k for k in expected if k not in failures)
    message = []
    if unexpected:
        message.append(f"{len(unexpected)} unexpected failure(s):")
        message += [f"  {k}: {v}" for k, v in sorted(unexpected.items())[:60]]
    if fixed:
        message.append(f"{len(fixed)} case(s) listed in expected_failures.txt now pass "
                       "(remove them):")
        message += [f"  {k}" for k in fixed[:60]]
    assert not message, "\n".join(message)
    assert total == 3189


def _main(argv: list[str]) -> None:
    total, failures = run_all()
    print(f"{total - len(failures)}/{total} passed ({100 * (total - len(failures)) / total:.2f}%)")
    by_folder: dict[str, list[str]] = {}
    for case_id, problem in failures.items():
        by_folder.setdefault(case_id.split("/")[0], []).append(f"{case_id}: {problem}")
    for folder, lines in sorted(by_folder.items(), key=lambda kv: -len(kv[1])):
        print(f"== {folder} ({len(lines)})")
        for line in lines[: (1000 if "-v" in argv else 8)]:
            print("   ", line)
    if "--write" in argv:
        old = load_expected() if EXPECTED.exists() else {}
        header = ("# DMN TCK cases that fail today: id<TAB>reason. The runner fails if one of these\n"
                  "# passes (remove it) or if a case not listed fails.\n")
        lines = [f"{k}\t{old.get(k) or failures[k]}" for k in sorted(failures)]
        EXPECTED.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    _main(sys.argv[1:])
