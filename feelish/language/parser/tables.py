"""The parser's tables as plain data: Lark's LALR actions, rule shapes and per-state lexer patterns
for `grammar/feelish.lark`, generated into `grammar/feelish.tables.json` by `python3 -m
feelish.language.parser` and used without importing Lark while the grammar text and Lark options
they record are exactly the ones in use (else Lark builds them, as before)."""
from __future__ import annotations

import json

from ...resources import data_dir, data_file, grammar_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["GRAMMAR_FILE", "TABLES_FILE", "OPTIONS", "WS", "key", "extract", "load", "build",
           "write"]

GRAMMAR_FILE = "feelish.lark"
TABLES_FILE = "feelish.tables.json"
#: the Lark options the tables (and Lark's own parser) are built with
OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "start": ["expression", "unary_tests"],
    "keep_all_tokens": True,      # punctuation reaches the builder: exact spans
    "maybe_placeholders": True,
}
#: the grammar's WS terminal; no other terminal can start with one of its characters (\ufeff and
#: \u200b fit CTX_KEY too, but WS comes first in every state's pattern, as priority 0 > -1)
WS = "[\\s\ufeff\u200b]+"


def key(grammar: str) -> dict:
    """What the tables are built from, compared whole on loading (a digest would cost an import
    and could only be weaker): the grammar text and the Lark options."""
    return {"grammar": grammar, "options": OPTIONS}


def extract(lark) -> dict | None:
    """The tables of a Lark parser built with `OPTIONS`, as JSON-ready data; None when Lark's
    internals are not what the fast loop expects (then Lark's own loop is used)."""
    from lark.parsers.lalr_analysis import Shift

    frontend = lark.parser
    lalr = frontend.parser.parser
    table = lalr.parse_table
    if any(isinstance(k, str) for k in lalr.callbacks):  # terminal callbacks: not handled
        return None
    lexers = frontend.lexer.lexers
    count = len(table.states)
    if set(lexers) != set(table.states) or set(table.states) != set(range(count)):
        return None
    ignore = {frozenset(lexer.ignore_types) for lexer in lexers.values()}
    if len(ignore) != 1 or "WS" not in next(iter(ignore)) or \
            lark.get_terminal("WS").pattern.to_regexp() != WS:
        return None
    rule_index: dict = {}
    rules: list = []
    actions: list = []
    gotos: dict = {}
    for state in range(count):
        acts = {}
        for sym, (action, arg) in table.states[state].items():
            if sym.isupper() or sym == "$END":
                if action is Shift:
                    acts[sym] = arg
                else:
                    if arg not in rule_index:
                        rule_index[arg] = len(rules)
                        rules.append(_rule_record(arg))
                    acts[sym] = ~rule_index[arg]
            else:
                gotos.setdefault(sym, []).append([state, arg])
        actions.append(acts)
    if any(not record["symbols"] for record in rules):  # empty rules: not handled by the loop
        return None
    # one entry per distinct pattern (Lark's lexers for different terminal sets can end with the
    # same pattern): the loop compiles each entry once, when a text first reaches it
    patterns: list = []
    seen: dict = {}
    state_pattern = []
    by_lexer: dict = {}
    for state in range(count):
        lexer = lexers[state]
        if id(lexer) not in by_lexer:
            by_lexer[id(lexer)] = _pattern(lexer)
        pattern = by_lexer[id(lexer)]
        text = None if pattern is None else tuple(pattern)
        if text not in seen:
            seen[text] = len(patterns)
            patterns.append(pattern)
        state_pattern.append(seen[text])
    return {"ignore": sorted(next(iter(ignore))), "starts": dict(table.start_states),
            "ends": dict(table.end_states), "actions": actions, "gotos": gotos, "rules": rules,
            "patterns": patterns, "state_pattern": state_pattern}


def _rule_record(rule) -> dict:
    opts = rule.options
    return {"origin": rule.origin.name, "alias": str(rule.alias) if rule.alias else None,
            "template": opts.template_source, "expand1": bool(opts.expand1),
            "empty": [bool(b) for b in opts.empty_indices] if opts.empty_indices else [],
            "symbols": [[sym.is_term, sym.name] for sym in rule.expansion]}


def _pattern(lexer) -> list | None:
    """[pattern, flags] of Lark's master pattern for one lexer state; None if the loop cannot
    use it (then every text reaching the state goes to Lark's own loop)."""
    scanner = lexer.scanner
    if len(scanner._mres) != 1 or lexer.callback:  # pragma: no cover - not with this grammar
        return None
    mre = scanner._mres[0]
    return [mre.pattern, int(mre.flags)]


def load() -> dict | None:
    """The shipped tables if they were built from the grammar as it is now, else None."""
    try:
        with open(data_file("grammar", TABLES_FILE), encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("built_from") != key(grammar_text(GRAMMAR_FILE)):
        return None
    return data


def build() -> dict:
    """Fresh tables from the grammar, with their key (needs Lark)."""
    from lark import Lark, __version__

    grammar = grammar_text(GRAMMAR_FILE)
    data = extract(Lark(grammar, **OPTIONS))
    if data is None:  # pragma: no cover - another Lark version
        raise RuntimeError("this Lark version's tables are not what the fast loop reads")
    return {"built_from": key(grammar), "generated_by": f"python3 -m feelish.language.parser (lark {__version__})",
            **data}


def write() -> str:
    """Rewrite the shipped tables file; returns its path."""
    path = data_dir("grammar") / TABLES_FILE
    data = build()
    with path.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=True, separators=(",", ":"))
        fh.write("\n")
    return str(path)
