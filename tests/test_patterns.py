"""feelish.patterns.lazy: a module-level regular expression compiled on first use."""
from __future__ import annotations

import re

from feelish.patterns import lazy


def test_a_lazy_pattern_acts_as_the_compiled_one():
    source, flags = r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE
    pattern, compiled = lazy(source, flags), re.compile(source, flags)
    assert "match" not in vars(pattern)  # nothing compiled yet
    text = "ab-1 CD-22 x"
    assert pattern.match(text).groups() == compiled.match(text).groups()
    assert "match" in vars(pattern)  # compiled once; the methods are its own now
    assert pattern.fullmatch("Q-9").group("word") == "Q"
    assert pattern.search("?? e-5").span() == compiled.search("?? e-5").span()
    assert [m.group(0) for m in pattern.finditer(text)] == ["ab-1", "CD-22"]
    assert pattern.sub("#", text) == compiled.sub("#", text)
    assert pattern.findall(text) == compiled.findall(text) and pattern.split(text) == compiled.split(text)
    assert pattern.groups == 2 and pattern.groupindex == {"word": 1} and pattern.flags == compiled.flags
    assert pattern.pattern == source
