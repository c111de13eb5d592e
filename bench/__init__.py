"""feelish benchmark suite (not a test suite: pytest never collects it).

Run everything with ``python3 -m bench``; one part with ``python3 -m bench expr|http|memory``;
a fast smoke run with ``--quick``.  Results: a markdown table on stdout and JSON in
``bench-results/latest.json``.  See docs/benchmarks.md for the latest table.
"""
