"""The parser's fast loop: Lark's own LALR tables and contextual-lexer patterns, driven by a tight
loop that builds the same AST as `Lark.parse` (about 3-4x faster)."""
from __future__ import annotations

import re

from lark import Lark

from .builder import Builder, Tok

__all__ = ["FastLoop", "FAILED"]

FAILED = object()
#: the grammar's WS terminal; no other terminal can start with one of its characters (\ufeff and
#: \u200b fit CTX_KEY too, but WS comes first in every state's pattern, as priority 0 > -1)
_WS = "[\\s\ufeff\u200b]+"
_WS_TO_END = re.compile(_WS)


class FastLoop:
    """Lark's own LALR tables and per-state lexers, driven by a tight loop.

    Lark's generic loop spends most of a parse on bookkeeping this grammar does not need (line
    counting, Token objects, rule-keyed callback lookups, trees for inlined `_rule`s, a reduction
    call for every `?rule` that passes its single child through).  This loop does the same shifts
    and reductions in the same order, with the same contextual lexer patterns, and calls the
    same builder methods with the same children, so it builds the same AST and raises the same
    builder errors.  Where Lark would raise (a character no terminal matches, a token the state
    does not accept), it gives up and the caller re-runs the parse with Lark for its exception.
    """

    def __init__(self, actions, gotos, scanners, starts, ends, rules, ignore) -> None:
        self.actions = actions      # state -> {terminal: shift state (>= 0) or ~rule index}
        self.gotos = gotos          # rule name -> {state below: state}
        self.scanners = scanners    # state -> compiled master pattern's .match
        self.starts = starts
        self.ends = ends
        self.rules = rules          # [(size, goto column, callback or None for a pass-through)]
        self.ignore = ignore
        self.end_states = frozenset(ends.values())
        self.units: dict[tuple, int] = {}   # pass-through runs seen so far (see _passes)

    @classmethod
    def make(cls, lark: Lark, builder: Builder) -> "FastLoop | None":
        """None when Lark's internals are not what this loop expects (Lark's own loop is used)."""
        try:
            return cls._make(lark, builder)
        except Exception:  # pragma: no cover - another Lark version: stay correct, just slower
            return None

    @classmethod
    def _make(cls, lark: Lark, builder: Builder) -> "FastLoop | None":
        from lark.parsers.lalr_analysis import Shift

        frontend = lark.parser
        lalr = frontend.parser.parser
        table = lalr.parse_table
        if any(isinstance(k, str) for k in lalr.callbacks):  # terminal callbacks: not handled
            return None
        lexers = frontend.lexer.lexers
        ignore = None
        rule_index: dict = {}
        rules = []
        actions: dict = {}
        gotos: dict = {}
        for state, row in table.states.items():
            acts, gos = {}, {}
            for sym, (action, arg) in row.items():
                if sym.isupper() or sym == "$END":
                    if action is Shift:
                        acts[sym] = arg
                    else:
                        if arg not in rule_index:
                            rule_index[arg] = len(rules)
                            rules.append(_rule_callback(arg, builder))
                        acts[sym] = ~rule_index[arg]
                else:
                    gos[sym] = arg
            actions[state] = acts
            gotos[state] = gos
        for lexer in lexers.values():
            if ignore is None:
                ignore = frozenset(lexer.ignore_types)
            elif ignore != lexer.ignore_types:
                return None
        if any(size == 0 for size, _, _ in rules):  # empty rules: not handled by the loop
            return None
        count = len(actions)
        if set(lexers) != set(actions) or set(actions) != set(range(count)) or \
                "WS" not in ignore or lark.get_terminal("WS").pattern.to_regexp() != _WS:
            return None
        # states are 0..count-1: tables become lists; each rule carries its goto column
        columns: dict = {}
        for state, row in gotos.items():
            for origin, target in row.items():
                columns.setdefault(origin, {})[state] = target
        rules = [(size, columns[origin], callback) for size, origin, callback in rules]
        loop = cls([actions[i] for i in range(count)], columns, [], dict(table.start_states),
                   dict(table.end_states), rules, ignore)
        # a state's pattern is compiled when a text first reaches it (as Lark does): compiling
        # all ~80 up front would add ~40 ms to the first parse of a short-lived process
        built: dict = {}
        loop.scanners[:] = [_lazy_scanner(loop, state, lexers[state], built) for state in range(count)]
        return loop

    def parse(self, text: str, start: str):
        actions, scanners, rules, ignore, units = (
            self.actions, self.scanners, self.rules, self.ignore, self.units)
        end_state = self.ends[start]
        state = self.starts[start]
        states = [state]
        values: list = []
        push_state, push_value = states.append, values.append
        pos, n = 0, len(text)
        while True:
            if pos < n:
                m = scanners[state](text, pos)
                if m is None:
                    if _WS_TO_END.fullmatch(text, pos) is None:
                        return FAILED
                    pos = n  # only whitespace left
                    continue
                kind = m.lastgroup
                pos = m.end()
                if kind in ignore:
                    continue
                value = m.group(kind)
                token = Tok(kind, value, pos - len(value), pos)
            else:
                kind = "$END"
                token = None
            while True:
                action = actions[state].get(kind)
                if action is None:
                    return FAILED
                if action >= 0:  # shift
                    state = action
                    push_state(state)
                    push_value(token)
                    break
                size, column, callback = rules[~action]
                if callback is None:  # `?rule`s passing their single child through: one step
                    key = (states[-2], state, kind)
                    target = units.get(key)
                    if target is None:
                        target = self._passes(key)
                    state = states[-1] = target
                    continue
                if size == 1:  # an atom, a name, ...: replace the top in place
                    values[-1] = callback([values[-1]])
                    state = states[-1] = column[states[-2]]
                else:
                    children = values[-size:]
                    del states[-size:]
                    del values[-size:]
                    push_value(callback(children))
                    state = column[states[-1]]
                    push_state(state)
                if state == end_state and token is None:
                    return values[-1]

    def _passes(self, key: tuple) -> int:
        """The state after the run of pass-through reductions that `key` (state below the top,
        top state, next terminal) starts: each pops one state and pushes the goto of the state
        below, which stays the same, so the run depends on nothing else (and is remembered)."""
        below, state, kind = key
        ends = self.end_states
        while True:
            action = self.actions[state].get(kind)
            if action is None or action >= 0:
                break
            _, column, callback = self.rules[~action]
            if callback is not None:
                break
            state = column[below]
            if state in ends:  # pragma: no cover - start rules always have a builder method
                break
        self.units[key] = state
        return state


def _lazy_scanner(loop: FastLoop, state: int, lexer, built: dict):
    """A stand-in for `state`'s pattern that compiles it on first use and takes its place."""

    def first_use(text: str, pos: int):
        match = built.get(id(lexer))
        if match is None:
            match = built[id(lexer)] = _scanner(lexer)
        loop.scanners[state] = match
        return match(text, pos)

    return first_use


def _scanner(lexer):
    """The `.match` of Lark's master pattern for one lexer state, with whitespace before a token
    skipped inside the same match (possessively: it never gives characters back; nothing else
    can match where WS can, see `_WS`).  A pattern this loop cannot use matches nothing, which
    sends every text that reaches the state to Lark's own loop."""
    scanner = lexer.scanner
    if len(scanner._mres) != 1 or lexer.callback:  # pragma: no cover - not with this grammar
        return lambda text, pos: None
    mre = scanner._mres[0]
    return re.compile(f"{_WS[:-1]}*+(?:{mre.pattern})", mre.flags).match


def _rule_callback(rule, builder: Builder):
    """(size, origin name, callback) doing what Lark's tree builder does for `rule` with
    keep_all_tokens and maybe_placeholders: splice inlined `_rule` children, insert None for
    absent `[optional]` parts, pass a single child of a `?rule` through, then call the builder
    method (an inlined `_rule` itself yields its list of children)."""
    expansion = rule.expansion
    size = len(expansion)
    opts = rule.options
    origin = rule.origin.name
    inlined = origin.startswith("_")
    empty = opts.empty_indices
    if empty:
        flags = "".join(str(int(b)) for b in empty)
        nones = [len(ones) for ones in flags.split("0")]
    else:
        nones = [0] * (size + 1)
    plan = [(nones[i], not sym.is_term and sym.name.startswith("_")) for i, sym in enumerate(expansion)]
    trailing = nones[size]
    expand1 = opts.expand1 and not rule.alias
    plain = trailing == 0 and not any(add or spl for add, spl in plan)
    if plain and expand1 and size == 1 and not inlined:
        return size, origin, None
    method = None
    if not inlined:
        name = rule.alias or opts.template_source or origin
        method = getattr(builder, name, None)
        if method is None:
            raise LookupError(f"no builder method for rule {name}")  # Lark would build a Tree
    if plain and size == 1 and not inlined and name in builder.PASS_THROUGH:
        return size, origin, None  # a builder method that returns its one child as it is
    if plain:
        if inlined:
            return size, origin, list
        if expand1:
            return size, origin, lambda c: c[0] if len(c) == 1 else method(c)
        return size, origin, method

    splices = [i for i, (add, splice) in enumerate(plan) if splice]
    if len(splices) == 1 and not trailing and not any(add for add, _ in plan) and \
            not (expand1 and size == 1):
        # one inlined `_rule` (a `("," item)*` list) spliced in, nothing else to do: the lists
        # on the value stack are fresh slices, so splicing may reuse them
        at = splices[0]
        if at == 0:
            def spliced(c):
                out = c[0]
                out += c[1:]
                return out
        else:
            def spliced(c):
                out = c[:at]
                out += c[at]
                out += c[at + 1:]
                return out
        if inlined:
            return size, origin, spliced
        if expand1:
            return size, origin, lambda c: _one_or(method, spliced(c))
        return size, origin, lambda c: method(spliced(c))

    def shaped(children):
        out: list = []
        for child, (add, splice) in zip(children, plan):
            if add:
                out += [None] * add
            if splice:
                out += child
            else:
                out.append(child)
        if trailing:
            out += [None] * trailing
        if inlined:
            return out
        if expand1 and len(out) == 1:
            return out[0]
        return method(out)

    return size, origin, shaped


def _one_or(method, children: list):
    return children[0] if len(children) == 1 else method(children)
