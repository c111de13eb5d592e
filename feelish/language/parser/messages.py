"""Turn Lark's parse failures into `FeelSyntaxError`s a person can act on: words instead of terminal
names, and a curated message and hint for the usual mistakes."""
from __future__ import annotations

import re

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ...errors import FeelSyntaxError, Span

_WORDS = {
    "NUMBER": "a number", "STRING": "a string", "TEMPORAL": "a temporal literal (@\"...\")",
    "NAME": "a name", "KW_NAME": "a name", "BACKTICK": "a name", "FN_ANDOR": "a name",
    "CTX_KEY": "a context key", "SECRET": "a secret placeholder", "QMARK": "'?'",
    "INSTANCE_OF": "'instance of'", "EMPTY_LIST": "'[]'", "NOT_LPAR": "'not('", "$END": "the end of the text",
}
# terminals that can start an operand: collapsed into "an expression" when all are expected
_OPERAND_START = {"NUMBER", "STRING", "TEMPORAL", "NAME", "KW_NAME", "BACKTICK", "FN_ANDOR",
                  "TRUE", "FALSE", "NULL", "SECRET", "QMARK", "LPAR", "LSQB", "RSQB", "LBRACE",
                  "MINUS", "EMPTY_LIST", "IF", "FOR", "SOME", "EVERY", "FUNCTION"}
_OPENERS = {"LPAR": "(", "LSQB": "[", "LBRACE": "{", "NOT_LPAR": "not("}
_CLOSERS = {"RPAR", "RSQB", "RBRACE"}
_OPERATORS = ("**", "<=", ">=", "!=", "+", "-", "*", "/", "<", ">", "=", ".", ",", ":",
              "and", "or", "in", "between", "instance of", "not(")
_BINARY = {"'+'", "'-'", "'*'", "'/'", "'**'", "'='", "'!='", "'<'", "'<='", "'>'", "'>='", "'and'",
           "'or'", "'between'", "'in'", "'instance of'"}
_COMPARISONS = {"EQUAL", "LESSTHAN", "MORETHAN", "NOT_EQUAL", "LESS_EQUAL", "MORE_EQUAL"}
# possessive (`*+`, `++`): a run of slashes can be split into `//` comments in exponentially many
# ways, and a failed `fullmatch` must not try them all
_COMMENTS = re.compile(r'"(?:[^"\\]++|\\[\s\S])*+"|`[^`]*+`|//[^\n]*+|/\*[\s\S]*?\*/|(/\*)')
_BLANK = re.compile(r'(?:\s++|//[^\n]*+|/\*[\s\S]*?\*/)*+')


def _word(lark: Lark, name: str) -> str:
    if name in _WORDS:
        return _WORDS[name]
    try:
        pattern = lark.get_terminal(name).pattern
    except KeyError:
        return name.lower()
    if pattern.type == "str":
        return f"'{pattern.value}'"
    return name.lower()


def expected_words(lark: Lark, names) -> tuple[str, ...]:
    names = set(names) - {"WS", "LINE_COMMENT", "BLOCK_COMMENT"}
    words: list[str] = []
    if {"NUMBER", "STRING", "NAME"} <= names:
        words.append("an expression")
        names -= _OPERAND_START
    operators = {n for n in names if _word(lark, n) in _BINARY}
    if len(operators) >= 4:
        words.append("an operator")
        names -= operators | {"DOT", "LPAR", "LSQB"}
    for name in sorted(names, key=lambda n: (n == "$END", _word(lark, n))):
        word = _word(lark, name)
        if word not in words:
            words.append(word)
    return tuple(words)


def _describe(tok: Token) -> str:
    value = tok.value if len(tok.value) <= 30 else tok.value[:27] + "..."
    if tok.type in ("NAME", "KW_NAME", "BACKTICK", "FN_ANDOR"):
        return f"name {value!r}"
    if tok.type == "NUMBER":
        return f"number {value}"
    if tok.type == "STRING":
        return "string"
    if tok.type == "SECRET":
        return "secret placeholder"
    return f"'{value}'"


def _join(words: tuple[str, ...]) -> str:
    if not words:
        return "nothing more"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _unclosed_comment(text: str, upto: int) -> int | None:
    for m in _COMMENTS.finditer(text):
        if m.start() > upto:
            break
        if m.group(1):
            return m.start()
    return None


def _accepted(exc: UnexpectedToken) -> set[str]:
    """What the parser really accepts here (LALR's own list over-reports merged states)."""
    parser = getattr(exc, "interactive_parser", None)
    if parser is not None:
        try:
            return set(parser.accepts())
        except Exception:  # a builder check fired while simulating: fall back to Lark's list
            pass
    return set(exc.expected)


def _opener_on_stack(exc: UnexpectedToken) -> Token | None:
    stack = getattr(getattr(exc, "state", None), "value_stack", None) or []
    pending = 0
    for item in reversed(stack):
        if isinstance(item, Token):
            if item.type in _CLOSERS:
                pending += 1
            elif item.type in _OPENERS:
                if pending == 0:
                    return item
                pending -= 1
    return None


def _operator_at(text: str, pos: int) -> str | None:
    for op in _OPERATORS:
        if text.startswith(op, pos):
            if op[0].isalpha() and re.match(r"[\w'?]", text[pos + len(op):pos + len(op) + 1]):
                continue
            return op
    return None


def translate(exc: UnexpectedInput, text: str, origin: str | None, lark: Lark,
              start: str) -> FeelSyntaxError:
    def err(message: str, span: Span, expected=(), hint: str | None = None) -> FeelSyntaxError:
        return FeelSyntaxError(message, source=text, span=span, expected=tuple(expected),
                               origin=origin, hint=hint)

    if _BLANK.fullmatch(text):
        what = "unary tests" if start == "unary_tests" else "an expression"
        return err(f"empty input: expected {what}", Span(0, len(text)), ("an expression",),
                   hint="write `-` to match any input" if start == "unary_tests" else None)

    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        expected = expected_words(lark, exc.allowed or ())
        return _bad_character(err, text, pos, expected)

    if not isinstance(exc, UnexpectedToken):  # pragma: no cover - LALR raises only the two above
        pos = min(getattr(exc, "pos_in_stream", 0) or 0, len(text))
        return err("invalid expression", Span(pos, min(pos + 1, len(text))))

    tok: Token = exc.token
    expected = expected_words(lark, _accepted(exc))
    comment = _unclosed_comment(text, len(text) if tok.type == "$END" else tok.start_pos)
    if comment is not None:
        return err("unclosed comment: '/*' has no matching '*/'", Span(comment, comment + 2),
                   ("'*/'",))

    if tok.type == "$END":
        return _at_end(err, exc, text, expected)
    if tok.type == "CTX_KEY":  # only the error-reporting lexer makes one outside a context key
        return _bad_character(err, text, tok.start_pos, expected)

    span = Span(tok.start_pos, tok.end_pos)
    before = text[:tok.start_pos].rstrip()
    if tok.type in _CLOSERS and before.endswith(","):
        return err(f"a ',' must be followed by another item, not '{tok.value}'",
                   Span(len(before) - 1, len(before)), expected, hint="remove the trailing ','")
    if tok.type in _COMPARISONS and "an operator" in expected:
        return err("comparisons do not chain", span, expected,
                   hint="write `a < b and b < c`, or `b between a and c`")
    if tok.type == "EQUAL" and tok.start_pos > 0 and text[tok.start_pos - 1] == "=":
        return err("'==' is not an operator: FEEL compares with a single '='",
                   Span(tok.start_pos - 1, tok.end_pos), expected, hint="write `a = b`")
    if tok.type in _CLOSERS and _opener_on_stack(exc) is None and "')'" not in expected \
            and "']'" not in expected and "'}'" not in expected:
        return err(f"unmatched '{tok.value}': nothing to close here", span, expected)
    if "'then'" in expected and tok.type == "ELSE":
        return err("'if' needs 'then' before 'else'", span, expected,
                   hint="write `if condition then a else b`")
    message = f"unexpected {_describe(tok)}; expected {_join(expected)}"
    hint = None
    if tok.type in ("NAME", "NUMBER", "STRING") and "'then'" not in expected and \
            any(w in expected for w in ("'+'", "'and'", "'='")):
        hint = "two operands need an operator between them"
    return err(message, span, expected, hint)


def _at_end(err, exc: UnexpectedToken, text: str, expected):
    end = len(text)
    at_end = Span(end, end)
    opener = _opener_on_stack(exc)
    if "'else'" in expected:
        return err("'if' needs an 'else' branch", at_end, expected,
                   hint="write `if condition then a else b`")
    if "'then'" in expected:
        return err("'if' needs 'then' and 'else'", at_end, expected,
                   hint="write `if condition then a else b`")
    if "'return'" in expected:
        return err("'for' needs 'return' and a result", at_end, expected)
    if "'satisfies'" in expected:
        return err("'some'/'every' needs 'satisfies' and a condition", at_end, expected)
    # the last token: $END borrows its position
    last = exc.token.start_pos if exc.token.start_pos is not None else end
    op = _operator_at(text, last) if last < end else None
    before = text[:last].rstrip()
    if text.startswith(("]", ")"), last) and before.endswith(","):
        return err(f"a ',' must be followed by another item, not '{text[last]}'",
                   Span(len(before) - 1, len(before)), expected, hint="remove the trailing ','")
    if op is not None and "an expression" in expected and op not in (",", "("):
        return err(f"the text ends after '{op}': an operand is missing",
                   Span(last, last + len(op)), expected)
    if opener is not None:
        closer = {"(": ")", "[": "]", "{": "}", "not(": ")"}[opener.value if opener.type != "NOT_LPAR"
                                                             else "not("]
        return err(f"'{opener.value}' is never closed: expected '{closer}'",
                   Span(opener.start_pos, opener.end_pos), expected)
    return err(f"unexpected end of the text; expected {_join(expected)}", at_end, expected)


def _bad_character(err, text: str, pos: int, expected):
    ch = text[pos]
    span = Span(pos, pos + 1)
    if ch == '"':
        return err("unclosed string: '\"' has no closing '\"'", span, ("'\"'",),
                   hint="a '\"' inside a string is written \\\"")
    if ch == "@" and text.startswith('@"', pos):
        return err("unclosed temporal literal: '@\"' has no closing '\"'", Span(pos, pos + 2), ("'\"'",))
    if ch == "`":
        return err("unclosed name: '`' has no closing '`'", span, ("'`'",))
    if ch == "=" and pos > 0 and text[pos - 1] == "=":
        return err("'==' is not an operator: FEEL compares with a single '='",
                   Span(pos - 1, pos + 1), expected, hint="write `a = b`")
    if text.startswith("&&", pos):
        return err("'&&' is not an operator: write 'and'", Span(pos, pos + 2), expected)
    if text.startswith("||", pos):
        return err("'||' is not an operator: write 'or'", Span(pos, pos + 2), expected)
    if ch == "!":
        return err("'!' is not an operator: write not(x), or '!=' for inequality", span, expected)
    if ch == "'":
        return err("strings are written in double quotes: \"...\"", span, expected)
    if ch == "/" and text.startswith("/*", pos):
        return err("unclosed comment: '/*' has no matching '*/'", Span(pos, pos + 2), ("'*/'",))
    shown = repr(ch) if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"
    if ch in "(){}[],.:<>=+-*/?" or ch.isalnum():
        return err(f"unexpected {shown}; expected {_join(expected)}", span, expected)
    inside_name = pos > 0 and text[pos - 1].isalnum() and text[pos + 1:pos + 2].isalnum()
    return err(f"unexpected character {shown}", span, expected,
               hint="a name with special characters is written in backticks: `a#b`" if inside_name else None)
