"""Every expression of the DMN TCK corpus parses; the few the TCK means as invalid are listed."""
from __future__ import annotations

import json


from feelish.errors import FeelSyntaxError
from feelish.language.parser.driver import parse

from tests.corpus import CORPUS, require_corpus

# case id -> why the parser refuses it on purpose
INTENDED_INVALID = {
    "0057-feel-context/008/decision008":
        "`{foo: \"bar\", foo: \"baz\"}` repeats a key; the TCK marks it an error (errorResult)",
}


def _cases():
    require_corpus()
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_tck_parse_rate():
    cases = _cases()
    failed = {}
    for case in cases:
        try:
            parse(case["expression"])
        except FeelSyntaxError as exc:
            failed[case["id"]] = exc.message
    rate = (len(cases) - len(failed)) / len(cases)
    print(f"\nTCK parse rate: {len(cases) - len(failed)}/{len(cases)} = {rate:.2%}")
    unexpected = {k: v for k, v in failed.items() if k not in INTENDED_INVALID}
    assert not unexpected, unexpected
    assert set(failed) == set(INTENDED_INVALID)
    assert len(cases) > 3000
