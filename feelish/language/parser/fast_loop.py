"""The parser's fast loop: Lark's own LALR tables and contextual-lexer patterns (as `tables`
data), driven by a tight loop that builds the same AST as `Lark.parse` (about 3-4x faster)."""
from __future__ import annotations

import re

from .builder import Builder, Tok
from .tables import WS

__all__ = ["FastLoop", "FAILED"]

FAILED = object()
_SKIP = object()
_WS_TO_END = re.compile(WS)


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

    def __init__(self, actions, gotos, scanners, starts, ends, rules, ignore,
                 short_rules=None) -> None:
        self.actions = actions      # state -> {terminal: shift state (>= 0) or ~rule index}
        self.gotos = gotos          # rule name -> [state below -> state, or None]
        self.scanners = scanners    # state -> compiled master pattern's .match
        self.starts = starts
        self.ends = ends
        self.rules = rules          # [(size, goto column, callback or None for a pass-through)]
        self.short_rules = short_rules or rules  # the same over the short-text builder
        self.ignore = ignore
        self.units: dict[tuple, tuple] = {}  # pass-through runs seen so far (see _passes)
        self.afters: dict[tuple, tuple] = {}  # what follows a reduction (see _after)
        # a token's text: terminal -> its fixed string; terminal -> what to do with the group:
        # _SKIP it (an ignored terminal) or put a head before it (see _first_chars_out)
        self.fixed: dict[str, str] = {}
        self.extra: dict[str, str | object] = dict.fromkeys(ignore, _SKIP)

    @classmethod
    def make(cls, tables: dict | None, builder: Builder,
             short_builder: Builder | None = None) -> "FastLoop | None":
        """A loop over `tables` (`tables.extract` or `tables.load`) calling `builder`, or
        `short_builder` for `parse(..., short=True)`; None when there are no tables or they are
        not what this loop expects (Lark's own loop is used)."""
        if tables is None:
            return None
        try:
            return cls._make(tables, builder, short_builder)
        except Exception:  # pragma: no cover - tables of another shape: stay correct, just slower
            return None

    @classmethod
    def _make(cls, tables: dict, builder: Builder, short_builder: Builder | None) -> "FastLoop":
        # each rule carries its goto column (state below -> state; a list: indexing it is cheaper)
        count = len(tables["actions"])
        columns = {}
        for origin, pairs in tables["gotos"].items():
            column = columns[origin] = [None] * count
            for below, target in pairs:
                column[below] = target
        rules, short_rules = ([(size, columns[origin], callback) for size, origin, callback in
                               (_rule_callback(record, b) for record in tables["rules"])]
                              for b in (builder, short_builder or builder))
        loop = cls(tables["actions"], columns, [], dict(tables["starts"]), dict(tables["ends"]),
                   rules, frozenset(tables["ignore"]), short_rules)
        # a state's pattern is compiled when a text first reaches it (as Lark does): compiling
        # all ~80 up front would add ~40 ms to the first parse of a short-lived process
        built: dict = {}
        patterns = tables["patterns"]
        loop.scanners[:] = [_lazy_scanner(loop, state, patterns[index], index, built)
                            for state, index in enumerate(tables["state_pattern"])]
        return loop

    def parse(self, text: str, start: str, short: bool = False):
        actions, scanners, units, after = self.actions, self.scanners, self.units, self.afters
        rules = self.short_rules if short else self.rules
        end_state = self.ends[start]
        state = self.starts[start]
        states = [state]
        values: list = []
        push_state, push_value, pop_value = states.append, values.append, values.pop
        fixed, extra = self.fixed.get, self.extra.get
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
                value = fixed(kind)
                if value is None:
                    head = extra(kind)
                    if head is None:
                        value = m.group(kind)
                    elif head is _SKIP:
                        continue
                    else:
                        value = head + m.group(kind)
                token = Tok(kind, value, pos - len(value), pos)
            else:
                kind = "$END"
                token = None
            action = actions[state].get(kind)
            while True:
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
                    state, action = target  # the action after the run comes with it
                    states[-1] = state
                    continue
                # a builder reduction: `size` states give way to one, over the state `below`
                if size == 1:  # an atom, a name, ...: replace the top in place
                    values[-1] = callback(values[-1])
                elif size == 3:  # a binary operator, a path, a context entry
                    right = pop_value()
                    middle = pop_value()
                    values[-1] = callback(values[-1], middle, right)
                    del states[-2:]
                else:
                    children = values[-size:]
                    del values[-size:]
                    push_value(callback(children))
                    del states[1 - size:]
                below = states[-2]
                if token is None:  # at the end: the start rule's reduction ends the parse
                    state = states[-1] = column[below]
                    if state == end_state:
                        return values[-1]
                    action = actions[state].get(kind)
                    continue
                key = (below, action, kind)
                target = after.get(key)
                if target is None:
                    target = self._after(key)
                state, action = target  # the goto, any pass-through run after it, the next action
                states[-1] = state

    def _after(self, key: tuple) -> tuple:
        """(state, next action) after the reduction `key` = (state below, reduce action, next
        terminal): the goto from the state below, then the run of pass-through reductions that
        may follow (see `_passes`), which depend on nothing else (and are remembered)."""
        below, action, kind = key
        state = self.rules[~action][1][below]
        follow = self.actions[state].get(kind)
        if follow is not None and follow < 0 and self.rules[~follow][2] is None:
            state, follow = self._passes((below, state, kind))
        self.afters[key] = state, follow
        return state, follow

    def _passes(self, key: tuple) -> tuple:
        """(the state after the run of pass-through reductions that `key` (state below the top,
        top state, next terminal) starts, the action for the terminal in that state): each step
        pops one state and pushes the goto of the state below, which stays the same, so the run
        depends on nothing else (and is remembered)."""
        below, state, kind = key
        while True:
            state = self.rules[~self.actions[state][kind]][1][below]
            action = self.actions[state].get(kind)
            if action is None or action >= 0 or self.rules[~action][2] is not None:
                break
        self.units[key] = state, action
        return state, action


def _lazy_scanner(loop: FastLoop, state: int, pattern: list | None, index: int, built: dict):
    """A stand-in for `state`'s pattern that compiles it on first use and takes its place."""

    def first_use(text: str, pos: int):
        match = built.get(index)
        if match is None:
            match = built[index] = _scanner(pattern, loop)
        loop.scanners[state] = match
        return match(text, pos)

    return first_use


def _scanner(pattern: list | None, loop: FastLoop):
    """The `.match` of Lark's master pattern for one lexer state, with whitespace before a token
    skipped inside the same match (possessively: it never gives characters back; nothing else
    can match where WS can, see `tables.WS`).  A pattern this loop cannot use matches nothing,
    which sends every text that reaches the state to Lark's own loop."""
    if pattern is None:  # pragma: no cover - not with this grammar
        return lambda text, pos: None
    source, flags = pattern
    try:
        return re.compile(f"{WS[:-1]}*+(?:{_first_chars_out(source, flags, loop)})", flags).match
    except re.error:  # pragma: no cover - a rewriting this grammar does not need: Lark's own
        return re.compile(f"{WS[:-1]}*+(?:{source})", flags).match


#: an alternative `(?P<NAME>body)` of a master pattern (Lark writes one per terminal)
_ALTERNATIVE = re.compile(r"\(\?P<(\w+)>(.*)\)", re.S)
#: a body's first character when it is a fixed one (plain, or escaped by re.escape) and not repeated
_FIXED_HEAD = re.compile(r"(?:\\[^A-Za-z0-9]|[^\\()\[\]{}.*+?^$|])(?![*+?{])")
#: a body that is a fixed string (Lark writes a string terminal with re.escape)
_FIXED = re.compile(r"(?:\\[^A-Za-z0-9]|[^\\()\[\]{}.*+?^$|])+")


def _first_chars_out(source: str, flags: int, loop: FastLoop) -> str:
    """`source` with each alternative whose first character is fixed written `c(?P<NAME>rest)`:
    the same matches in the same order, but the regex engine skips such an alternative on one
    character compare (it cannot when the alternative opens with its group), which makes a
    state's match about twice as fast for punctuation.  The token's text is then the moved head
    plus the group (`loop.extra`), or the fixed string itself (`loop.fixed`; never for an
    ignored terminal, which the loop skips by `loop.extra`).  `source` unchanged when
    it does not split into Lark's alternatives exactly."""
    parts = source.split("|(?P<")
    alternatives = []
    for i, part in enumerate(parts):
        m = _ALTERNATIVE.fullmatch(part if i == 0 else "(?P<" + part)
        if m is None:
            return source  # pragma: no cover - a `|(?P<` inside a terminal's own pattern
        alternatives.append((m.group(1), m.group(2)))
    bars = [_top_level_bar(body) for _, body in alternatives]
    if None in bars:  # pragma: no cover - a body that is not a whole regex: the split was wrong
        return source
    out = []
    for (name, body), bar in zip(alternatives, bars):
        head = _FIXED_HEAD.match(body)
        if head is None or flags & re.IGNORECASE or bar:
            out.append(f"(?P<{name}>{body})")
            continue
        text = re.sub(r"\\(.)", r"\1", body, flags=re.S)
        if _FIXED.fullmatch(body):
            if name not in loop.ignore:
                loop.fixed[name] = text
        else:
            loop.extra.setdefault(name, text[:1])  # (an ignored terminal keeps _SKIP)
        out.append(f"{head.group()}(?P<{name}>{body[head.end():]})")
    return "|".join(out)


def _top_level_bar(body: str) -> bool | None:
    """Whether `body` is an alternation at its top level (`ab|cd`: its head cannot move out);
    None when its parentheses or brackets do not balance (it is not one terminal's pattern)."""
    depth, i, in_set = 0, 0, False
    bar = False
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            i += 1
        elif in_set:
            in_set = ch != "]"
        elif ch == "[":
            in_set = True
            if body[i + 1:i + 2] == "^":
                i += 1
            if body[i + 1:i + 2] == "]":  # a `]` first in the set is one of its characters
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "|" and depth == 0:
            bar = True
        i += 1
    return None if depth or in_set else bar


def _rule_callback(rule: dict, builder: Builder):
    """(size, origin name, callback) as `_list_callback` gives it, except that a callback of a
    one- or three-symbol rule takes its children as arguments (the builder's `NAME_1` or
    `NAME_3` method where it has one)."""
    size, origin, callback = _list_callback(rule, builder)
    if (size != 1 and size != 3) or callback is None:
        return size, origin, callback
    if size == 3 and getattr(callback, "splices_first", False):
        return size, origin, _append_two  # `_rule: _rule "," item`: the list grows in place
    name = rule["alias"] or rule["template"] or origin
    if callback == getattr(builder, name, None):  # the method itself, no reshaping around it
        positional = getattr(builder, f"{name}_{size}", None)
        if positional is not None:
            return size, origin, positional
    if size == 1:
        return size, origin, lambda child: callback([child])
    return size, origin, lambda first, second, third: callback([first, second, third])


def _list_callback(rule: dict, builder: Builder):
    """(size, origin name, callback) for a rule record (`tables.extract`) doing what Lark's tree
    builder does for `rule` with keep_all_tokens and maybe_placeholders: splice inlined `_rule`
    children, insert None for absent `[optional]` parts, pass a single child of a `?rule`
    through, then call the builder method (an inlined `_rule` itself yields its list of
    children)."""
    expansion = rule["symbols"]
    size = len(expansion)
    origin = rule["origin"]
    inlined = origin.startswith("_")
    empty = rule["empty"]
    if empty:
        flags = "".join(str(int(b)) for b in empty)
        nones = [len(ones) for ones in flags.split("0")]
    else:
        nones = [0] * (size + 1)
    plan = [(nones[i], not is_term and name.startswith("_")) for i, (is_term, name) in enumerate(expansion)]
    trailing = nones[size]
    expand1 = rule["expand1"] and not rule["alias"]
    plain = trailing == 0 and not any(add or spl for add, spl in plan)
    if plain and expand1 and size == 1 and not inlined:
        return size, origin, None
    method = None
    if not inlined:
        name = rule["alias"] or rule["template"] or origin
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
            spliced.splices_first = inlined  # type: ignore[attr-defined]
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


def _append_two(first: list, second, third) -> list:
    """An inlined `_rule` of three symbols that splices its first (its own list, fresh on the
    value stack) and adds the other two: `spliced` over [first, second, third]."""
    first.append(second)
    first.append(third)
    return first


def _one_or(method, children: list):
    return children[0] if len(children) == 1 else method(children)
