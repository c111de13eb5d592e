"""The house's rules, read from the code: no import cycles (imports inside functions included),
dependencies one way (language <- runtime <- templates <- shells and integrations), no private
name imported across packages, every module importable first in a fresh interpreter, and every
module's docstring one short paragraph saying what it holds."""
from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "feelish"

#: Each part of the package and the parts it may import (its own included).
#: foundation: errors, secrets (and secret_provider), taint, resources, bounds, records, patterns
LAYERS = {
    "foundation": {"foundation"},
    "language": {"foundation", "language"},
    "runtime": {"foundation", "language", "runtime"},   # connector, auth
    "templates": {"foundation", "language", "runtime", "templates"},
    "api": {"foundation", "language", "runtime", "templates", "api"},  # feelish/__init__.py
    "shells": {"foundation", "language", "runtime", "templates", "api", "shells"},
}


def _layer(module: str) -> str:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    if top in ("errors", "secrets", "resources", "taint", "bounds", "records", "patterns",
               "secret_provider"):
        return "foundation"
    if top == "language":
        return "language"
    if top in ("connector", "auth"):
        return "runtime"
    if top == "templates":
        return "templates"
    if top == "":
        return "api"
    if top in ("cli", "repl", "integrations", "__main__"):
        return "shells"
    raise AssertionError(f"{module}: a module outside every known part of the house")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _imports(name: str) -> list[tuple[str, str, int]]:
    """(target module, imported name or '', line) for every import in `name`, at any depth."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if _is_package(name) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, "", node.lineno) for a in node.names if a.name.startswith("feelish")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("feelish"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append((sub, "", node.lineno) if sub in MODULES
                             else (target, alias.name, node.lineno))
    return found


GRAPH = {name: {t for t, _, _ in _imports(name) if t in MODULES} for name in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in GRAPH[v]:
                found.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_is_read():
    # the reader sees real edges: a module known to import another is seen doing so
    assert "feelish.language.compiler.base" in GRAPH["feelish.language.compiler.access"]
    assert "feelish.language" in GRAPH["feelish.connector.executor"]
    assert len(GRAPH) > 60


def test_no_import_cycles():
    assert _cycles() == []


def test_dependencies_run_one_way():
    wrong = [f"{name}:{line} imports {target}"
             for name in MODULES for target, _, line in _imports(name)
             if target in MODULES and _layer(target) not in LAYERS[_layer(name)]]
    assert wrong == []


def test_no_private_name_crosses_a_package():
    def package_of(module: str) -> str:
        return module if _is_package(module) else module.rpartition(".")[0]

    wrong = []
    for name in MODULES:
        for target, imported, line in _imports(name):
            if target not in MODULES or package_of(target) == package_of(name):
                continue
            private_module = any(p.startswith("_") and p != "__init__" for p in target.split("."))
            private_name = imported.startswith("_") and not imported.endswith("__")
            if private_module or private_name:
                wrong.append(f"{name}:{line} imports {target} {imported}".rstrip())
    assert wrong == []


def test_the_language_core_needs_no_http_stack():
    code = ("import sys, feelish.language as L; L.compile('1 + x').evaluate({'x': 1}); "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('httpx2', 'httpcore2', 'authlib', 'prompt_toolkit') or m.startswith('feelish.connector') "
            "or m.startswith('feelish.templates')); print(bad)")
    # importing feelish.language still runs feelish/__init__.py, which loads the runtime for the
    # public API; what matters here is that the language itself asks for none of it
    assert not any(t.split(".")[1] in ("connector", "auth", "templates", "cli", "repl")
                   for name in MODULES if name.startswith("feelish.language")
                   for t in GRAPH[name])
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60).returncode == 0


_OPTIONAL = ("feelish.integrations.",)  # need their extras; imported by their own tests

FIRST_CALLS = [
    "import feelish; assert feelish.unary_test('< 10', 5) is True",
    "import feelish; assert feelish.evaluate('1 + 1') == 2",
    "import feelish; assert feelish.compile('x * 2').evaluate({'x': 2}) == 4",
    "import feelish; assert feelish.load_template('get').name == 'get'",
    "from feelish.language import unary_test; assert unary_test('[1..3]', 2) is True",
    "from feelish.cli import main; assert main(['eval', '1 + 1']) == 0",
]


@pytest.mark.parametrize("code", FIRST_CALLS)
def test_public_entry_points_work_as_the_first_call(code):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_every_module_imports_first_in_a_fresh_interpreter():
    names = [n for n in MODULES if not n.startswith(_OPTIONAL) and not n.endswith("__main__")]

    def first(name: str) -> tuple[str, int, str]:
        done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True,
                              text=True, timeout=60)
        return name, done.returncode, done.stderr[-400:]

    with ThreadPoolExecutor(4) as pool:
        failed = [r for r in pool.map(first, names) if r[1] != 0]
    assert failed == []


def _docstring_problem(source: str) -> str | None:
    doc = ast.get_docstring(ast.parse(source))
    if not doc or not doc.strip():
        return "no docstring"
    lines = doc.strip().splitlines()
    if any(not line.strip() for line in lines):
        return "more than one paragraph"
    if len(lines) > 6:
        return f"{len(lines)} lines"
    return None


def test_every_module_docstring_is_one_short_paragraph():
    # design notes, tables and contracts live in docs/internals.md; a docstring says what the
    # module holds in one paragraph of at most 6 lines
    wrong = [f"{name}: {problem}" for name, path in MODULES.items()
             if (problem := _docstring_problem(path.read_text(encoding="utf-8"))) is not None]
    assert wrong == []


def test_the_docstring_rule_can_fail():
    # the check above sees a second paragraph, a long paragraph and a missing docstring
    assert _docstring_problem('"""One.\n\nTwo."""\n') == "more than one paragraph"
    assert _docstring_problem('"""' + "line\n" * 7 + '"""\n') == "7 lines"
    assert _docstring_problem("x = 1\n") == "no docstring"
    assert _docstring_problem('"""One short\nparagraph."""\nx = 1\n') is None
