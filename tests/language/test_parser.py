"""Parse cases: text -> the AST's shape, written as a small s-expression so the table stays readable.

`sx(node)` renders any AST node; each case states by hand what the parser must build.
"""
from __future__ import annotations

import json

import pytest

from feelish.language import ast
from feelish.errors import Span
from feelish.language.parser.driver import parse, parse_unary_tests


def _type(t: ast.TypeRef) -> str:
    if t.name == "function" and (t.params or t.result):
        return f"function<{', '.join(map(_type, t.params))}>->{_type(t.result)}"
    if t.fields:
        return f"{t.name}<{', '.join(f'{k}: {_type(v)}' for k, v in t.fields)}>"
    if t.params:
        return f"{t.name}<{', '.join(map(_type, t.params))}>"
    return t.name


def sx(n) -> str:  # noqa: C901 - one branch per node type, on purpose
    if n is None:
        return "_"
    match n:
        case ast.NumberLit(value=v):
            return str(v)
        case ast.StringLit(value=v):
            return json.dumps(v, ensure_ascii=False)
        case ast.SecretRef(name=name):
            return f"${name}"
        case ast.SecretString(parts=parts):
            return "(secret-str " + " ".join(json.dumps(p) if isinstance(p, str) else sx(p) for p in parts) + ")"
        case ast.BoolLit(value=v):
            return "true" if v else "false"
        case ast.NullLit():
            return "null"
        case ast.TemporalLit(text=t):
            return "@" + json.dumps(t)
        case ast.ListLit(items=items):
            return "(list" + "".join(" " + sx(i) for i in items) + ")"
        case ast.ContextLit(entries=entries):
            return "(ctx" + "".join(f" ({json.dumps(e.key)} {sx(e.value)})" for e in entries) + ")"
        case ast.RangeLit(start=s, end=e, start_included=si, end_included=ei):
            return f"{'[' if si else '('}{sx(s)}..{sx(e)}{']' if ei else ')'}"
        case ast.Name(name=name):
            return f"`{name}`" if " " in name else name
        case ast.InputRef():
            return "?"
        case ast.Path(base=b, name=name):
            return f"(. {sx(b)} {f'`{name}`' if ' ' in name else name})"
        case ast.Filter(base=b, condition=c):
            return f"(filter {sx(b)} {sx(c)})"
        case ast.Call(callee=f, args=args, named=None):
            return f"(call {sx(f)}" + "".join(" " + sx(a) for a in args) + ")"
        case ast.Call(callee=f, named=named):
            return f"(call {sx(f)}" + "".join(f" ({a.name}: {sx(a.value)})" for a in named) + ")"
        case ast.Negate(operand=o):
            return f"(neg {sx(o)})"
        case ast.Arith(op=op, left=l, right=r) | ast.Compare(op=op, left=l, right=r):
            return f"({op} {sx(l)} {sx(r)})"
        case ast.And(left=l, right=r):
            return f"(and {sx(l)} {sx(r)})"
        case ast.Or(left=l, right=r):
            return f"(or {sx(l)} {sx(r)})"
        case ast.Between(value=v, low=lo, high=hi):
            return f"(between {sx(v)} {sx(lo)} {sx(hi)})"
        case ast.In(value=v, tests=tests):
            return f"(in {sx(v)}" + "".join(" " + sx(t) for t in tests) + ")"
        case ast.InstanceOf(value=v, type=t):
            return f"(instance-of {sx(v)} {_type(t)})"
        case ast.If(condition=c, then=a, otherwise=b):
            return f"(if {sx(c)} {sx(a)} {sx(b)})"
        case ast.IterRange(start=a, end=b):
            return f"(.. {sx(a)} {sx(b)})"
        case ast.For(iterators=its, body=body):
            return "(for (" + " ".join(f"({i.name} {sx(i.domain)})" for i in its) + f") {sx(body)})"
        case ast.Quantified(kind=k, iterators=its, condition=c):
            return f"({k} (" + " ".join(f"({i.name} {sx(i.domain)})" for i in its) + f") {sx(c)})"
        case ast.FunctionDef(params=ps, body=body, param_types=types, external=ext):
            types = types or (None,) * len(ps)
            shown = " ".join(p if t is None else f"{p}:{_type(t)}" for p, t in zip(ps, types))
            return f"({'fn-external' if ext else 'fn'} ({shown}) {sx(body)})"
        case ast.UnaryCompare(op=op, value=v):
            return f"({op} {sx(v)})"
        case ast.AnyTest():
            return "-"
        case ast.UnaryTests(tests=tests, negated=neg):
            return f"({'not-tests' if neg else 'tests'}" + "".join(" " + sx(t) for t in tests) + ")"
    raise AssertionError(f"no rendering for {n!r}")


CASES = [
    # numbers
    ("1", "1"), (".5", "0.5"), ("007", "7"), ("1.5", "1.5"), ("1e3", "1E+3"), ("2.5E-2", "0.025"),
    ("-1", "(neg 1)"), ("10 - -3", "(- 10 (neg 3))"),
    # strings and escapes
    ('"a"', '"a"'), ('""', '""'),
    (r'"q\"q"', '"q\\"q"'), (r'"b\\s"', '"b\\\\s"'), (r'"\n\r\t"', '"\\n\\r\\t"'),
    (r'"\b\f"', '"\\b\\f"'), (r'"it\'s"', '"it\'s"'),
    (r'"\u0041\u00e9"', '"Aé"'), (r'"\uD83D\uDE00"', '"😀"'), (r'"\U01F600"', '"😀"'), (r'"\U41"', '"A"'),
    (r'"\d+\.\s"', '"\\\\d+\\\\.\\\\s"'),
    ('"multi\nline"', '"multi\\nline"'), ('"Grüße"', '"Grüße"'),
    # literals
    ("true", "true"), ("false", "false"), ("null", "null"),
    ('@"2024-01-01"', '@"2024-01-01"'), ('@"PT1H"', '@"PT1H"'), ('@"10:00:00@Europe/Paris"', '@"10:00:00@Europe/Paris"'),
    # lists and contexts
    ("[]", "(list)"), ("[ ]", "(list)"), ("[1, 2]", "(list 1 2)"), ("[[]]", "(list (list))"),
    ("[[1], [2, 3]]", "(list (list 1) (list 2 3))"),
    ("{}", "(ctx)"), ("{a: 1}", '(ctx ("a" 1))'),
    ('{a: 1, "b c": a + 1}', '(ctx ("a" 1) ("b c" (+ a 1)))'),
    ("{first name: 1, `last name`: 2}", '(ctx ("first name" 1) ("last name" 2))'),
    ("{a-b: 1, x/y.z: 2, @type: 3}", '(ctx ("a-b" 1) ("x/y.z" 2) ("@type" 3))'),
    ('{"@type": "x", "a\\nb": 1}', '(ctx ("@type" "x") ("a\\nb" 1))'),
    ("{if: 1, for: 2}", '(ctx ("if" 1) ("for" 2))'),
    ("{a: {b: 1}}.a.b", '(. (. (ctx ("a" (ctx ("b" 1)))) a) b)'),
    ("{f: function(x) x * 2}", '(ctx ("f" (fn (x) (* x 2))))'),
    # ranges
    ("[1..5]", "[1..5]"), ("(1..5]", "(1..5]"), ("]1..5[", "(1..5)"), ("[1..5)", "[1..5)"),
    ("]1..5]", "(1..5]"), ("[a..b]", "[a..b]"), ("[1..-1]", "[1..(neg 1)]"),
    ('[@"2024-01-01"..@"2024-12-31"]', '[@"2024-01-01"..@"2024-12-31"]'),
    ("[x.a..f(y)]", "[(. x a)..(call f y)]"), ("[1..(n + 1)]", "[1..(+ n 1)]"),
    ("(< 10)", "(_..10)"), ("(<= 10)", "(_..10]"), ("(> 10)", "(10.._)"), ("(>= 10)", "[10.._)"),
    ("(= 10)", "[10..10]"), ("(!= 10)", "(!= 10)"), ("(null..10)", "(null..10)"),
    # names
    ("x", "x"), ("Monthly Salary", "`Monthly Salary`"), ("Monthly   Salary", "`Monthly Salary`"),
    ("`first name`", "`first name`"), ("`a-b`", "a-b"), ("_x1", "_x1"), ("Applicant's Age", "`Applicant's Age`"),
    ("Is Affordable?", "`Is Affordable?`"), ("größe", "größe"), ("item", "item"),
    ("string length(x)", "(call `string length` x)"), ("date and time(x)", "(call `date and time` x)"),
    ("date  and\ttime(x)", "(call `date and time` x)"),
    ("years and months duration(a, b)", "(call `years and months duration` a b)"),
    ("days and time duration(a)", "(call `days and time duration` a)"),
    ("get or else(a, b)", "(call `get or else` a b)"), ("day of week(d)", "(call `day of week` d)"),
    ("is defined(x)", "(call `is defined` x)"), ("index of(xs, 1)", "(call `index of` xs 1)"),
    ("not(true)", "(call not true)"), ("and([a, b])", "(call and (list a b))"), ("or([a])", "(call or (list a))"),
    ("a and or([b])", "(and a (call or (list b)))"), ("a and (b or c)", "(and a (or b c))"),
    ("instance", "instance"), ("index", "index"), ("format", "format"),
    # paths, filters, calls
    ("a.b.c", "(. (. a b) c)"), ("x.time offset", "(. x `time offset`)"),
    ("order.`total price`", "(. order `total price`)"), ("xs[1]", "(filter xs 1)"), ("xs[-1]", "(filter xs (neg 1))"),
    ("xs[item > 1]", "(filter xs (> item 1))"), ("a[1].b[-1]", "(filter (. (filter a 1) b) (neg 1))"),
    ("xs[item > 1].name", "(. (filter xs (> item 1)) name)"), ("[1, 2][1]", "(filter (list 1 2) 1)"),
    ("f()", "(call f)"), ("f(1, 2)", "(call f 1 2)"), ("f(b: 1, a: 2)", "(call f (b: 1) (a: 2))"),
    ("substring(string: s, start position: 2)", "(call substring (string: s) (start position: 2))"),
    ("m.f(x)", "(call (. m f) x)"), ("f(1)(2)", "(call (call f 1) 2)"), ("(function(x) x)(1)", "(call (fn (x) x) 1)"),
    # arithmetic and precedence
    ("1 + 2 * 3", "(+ 1 (* 2 3))"), ("(1 + 2) * 3", "(* (+ 1 2) 3)"), ("1 - 2 - 3", "(- (- 1 2) 3)"),
    ("8 / 4 / 2", "(/ (/ 8 4) 2)"), ("2 ** 3 ** 2", "(** (** 2 3) 2)"), ("-2 ** 2", "(** (neg 2) 2)"),
    ("2 ** -2", "(** 2 (neg 2))"), ("2 * 3 ** 2", "(* 2 (** 3 2))"), ("-a.b", "(neg (. a b))"),
    ("--1", "(neg (neg 1))"), ('"a" + "b"', '(+ "a" "b")'), ("-xs[1]", "(neg (filter xs 1))"),
    # comparisons and logic
    ("a = b", "(= a b)"), ("a != b", "(!= a b)"), ("a < b", "(< a b)"), ("a <= b", "(<= a b)"),
    ("a > b", "(> a b)"), ("a >= b", "(>= a b)"), ("a + 1 > b * 2", "(> (+ a 1) (* b 2))"),
    ("a and b or c and d", "(or (and a b) (and c d))"), ("a or b or c", "(or (or a b) c)"),
    ("a = 1 and b = 2", "(and (= a 1) (= b 2))"), ("not(a) or b", "(or (call not a) b)"),
    ("x between 1 and 10", "(between x 1 10)"), ("x between 1 and 10 and y", "(and (between x 1 10) y)"),
    ("x between a + 1 and b * 2", "(between x (+ a 1) (* b 2))"),
    # in
    ("x in [1..5]", "(in x [1..5])"), ("x in [1, 2]", "(in x (list 1 2))"), ("x in < 5", "(in x (< 5))"),
    ("x in (< 3, > 4)", "(in x (< 3) (> 4))"), ("x in (1, 2, 3)", "(in x 1 2 3)"), ("x in (1)", "(in x 1)"),
    ("x in (< 5)", "(in x (_..5))"), ("x in >= y + 1", "(in x (>= (+ y 1)))"), ("x in xs and y", "(and (in x xs) y)"),
    ('x in ("a", [1..2], null)', '(in x "a" [1..2] null)'), ('@"2020-01-01" in =@"2020-01-01"', '(in @"2020-01-01" (= @"2020-01-01"))'),
    # instance of
    ("x instance of number", "(instance-of x number)"), ("x instance of string", "(instance-of x string)"),
    ("x instance of date and time", "(instance-of x date and time)"),
    ("x instance of days and time duration", "(instance-of x days and time duration)"),
    ("x instance of years and months duration", "(instance-of x years and months duration)"),
    ("x instance of date time", "(instance-of x date time)"), ("x instance of Any", "(instance-of x Any)"),
    ("x instance of list<number>", "(instance-of x list<number>)"),
    ("x instance of list<list<string>>", "(instance-of x list<list<string>>)"),
    ("x instance of context<a: number, b c: string>", "(instance-of x context<a: number, b c: string>)"),
    ("x instance of function<number, string> -> boolean", "(instance-of x function<number, string>->boolean)"),
    ("x instance of function<> -> Any", "(instance-of x function<>->Any)"),
    ("x instance of function", "(instance-of x function)"), ("x instance of range<date>", "(instance-of x range<date>)"),
    ("x instance of number and y", "(and (instance-of x number) y)"), ("x  instance   of number", "(instance-of x number)"),
    # control flow
    ("if a then 1 else 2", "(if a 1 2)"), ("if a > 1 then b + 1 else c * 2", "(if (> a 1) (+ b 1) (* c 2))"),
    ("if a then if b then 1 else 2 else 3", "(if a (if b 1 2) 3)"), ("(if a then 1 else 2) + 1", "(+ (if a 1 2) 1)"),
    ("for x in xs return x * 2", "(for ((x xs)) (* x 2))"), ("for x in 1..3 return x", "(for ((x (.. 1 3))) x)"),
    ("for x in 1..n, y in xs return x + y", "(for ((x (.. 1 n)) (y xs)) (+ x y))"),
    ("for i in 3..1 return i", "(for ((i (.. 3 1))) i)"), ("for x in [1..3] return x", "(for ((x [1..3])) x)"),
    ("for a b in xs return a b", "(for ((a b xs)) `a b`)"),
    ("for x in xs return for y in ys return x + y", "(for ((x xs)) (for ((y ys)) (+ x y)))"),
    ("some x in xs satisfies x > 1", "(some ((x xs)) (> x 1))"),
    ("every x in xs, y in ys satisfies x < y", "(every ((x xs) (y ys)) (< x y))"),
    ("some x in 1..count(xs) satisfies odd(x)", "(some ((x (.. 1 (call count xs)))) (call odd x))"),
    ("function(a, b) a + b", "(fn (a b) (+ a b))"), ("function() 1", "(fn () 1)"),
    ("function(a: number, b) a", "(fn (a:number b) a)"),
    ("function(a: list<number>) a", "(fn (a:list<number>) a)"),
    ("function(first name) first name", "(fn (first name) `first name`)"),
    ('function(x) external {java: {class: "A"}}', '(fn-external (x) (ctx ("java" (ctx ("class" "A")))))'),
    # secrets
    ("<<secrets.TOKEN>>", "$TOKEN"), ("<< secrets.a.b-c >>", "$a.b-c"),
    ('"Bearer <<secrets.TOKEN>>"', '(secret-str "Bearer " $TOKEN)'),
    ('"<<secrets.A>>:<<secrets.B>>"', '(secret-str $A ":" $B)'),
    (r'"\u003C<secrets.T>>"', '(secret-str $T)'), ('"a << b"', '"a << b"'),
    ('"Basic " + <<secrets.X>>', '(+ "Basic " $X)'),
    # comments and whitespace
    ("1 /* one */ + // plus\n 2", "(+ 1 2)"), ("/* lead */ x", "x"), ("x // trail", "x"),
    ("{a: 1, // first\n b: 2}", '(ctx ("a" 1) ("b" 2))'), ("[1, /* c */ 2]", "(list 1 2)"),
    ("\n\t x \u00a0+\u2003 y \n", "(+ x y)"), ("8 / /* div */ 2", "(/ 8 2)"),
    # input ref (valid in expressions syntactically; the evaluator rejects it outside unary tests)
    ("? > 3", "(> ? 3)"),
]


@pytest.mark.parametrize(("text", "shape"), CASES, ids=[c[0] for c in CASES])
def test_parse_shape(text, shape):
    assert sx(parse(text)) == shape


UNARY = [
    ("< 10", "(tests (< 10))"), ("<= x", "(tests (<= x))"), ("> 1, < -1", "(tests (> 1) (< (neg 1)))"),
    ("[1..5]", "(tests [1..5])"), ("(1..5], 7", "(tests (1..5] 7)"), ('"a", "b"', '(tests "a" "b")'),
    ('not("x", "y")', '(not-tests "x" "y")'), ("not(< 3, [5..6])", "(not-tests (< 3) [5..6])"),
    ("not (1)", "(not-tests 1)"), ("-", "(tests -)"), (" - ", "(tests -)"), ("-5", "(tests (neg 5))"),
    ("- 5", "(tests (neg 5))"), ("? > 3", "(tests (> ? 3))"), ("odd(?)", "(tests (call odd ?))"),
    ('ends with(?, "x")', '(tests (call `ends with` ? "x"))'), ("= 5, != 6", "(tests (= 5) (!= 6))"),
    ("x + 1", "(tests (+ x 1))"), ("null", "(tests null)"), ("[1, 2]", "(tests (list 1 2))"),
    ('>= @"2024-01-01"', '(tests (>= @"2024-01-01"))'), ("true", "(tests true)"),
]


@pytest.mark.parametrize(("text", "shape"), UNARY, ids=[c[0] for c in UNARY])
def test_parse_unary_tests_shape(text, shape):
    node = parse_unary_tests(text)
    assert isinstance(node, ast.UnaryTests)
    assert sx(node) == shape


def test_spans_are_exact():
    text = "f(a, [1..2]) + x.y"
    node = parse(text)
    assert node.span == Span(0, len(text))
    call, path = node.left, node.right
    assert text[call.span.start:call.span.end] == "f(a, [1..2])"
    assert text[call.args[1].span.start:call.args[1].span.end] == "[1..2]"
    assert text[path.span.start:path.span.end] == "x.y"
    ctx = parse('{ "k": 1 }')
    assert ctx.span == Span(0, 10) and ctx.entries[0].span == Span(2, 8)
    name = parse("  Monthly  Salary ")
    assert name.span == Span(2, 17)


def test_every_node_span_lies_inside_its_parent():
    text = 'for x in 1..3 return {a: x, b: [x, -x][1], c: if x > 1 then "y" else null}.c'
    def walk(n, outer):
        if isinstance(n, ast.Node):
            assert outer.start <= n.span.start <= n.span.end <= outer.end, n
            for field in n.__slots__:
                walk(getattr(n, field), n.span)
        elif isinstance(n, tuple):
            for item in n:
                walk(item, outer)
    root = parse(text)
    walk(root, Span(0, len(text)))


def test_named_and_positional_nodes():
    call = parse("f(a: 1)")
    assert call.args == () and call.named[0].name == "a"
    call = parse("f(1)")
    assert call.named is None and len(call.args) == 1


def test_a_secret_value_can_never_become_syntax():
    # the placeholder is split after escapes are decoded, and only ever yields SecretRef parts
    node = parse('"x<<secrets.A>>\\" + 1"')
    assert sx(node) == '(secret-str "x" $A "\\" + 1")'


def test_origin_is_carried_into_errors():
    from feelish.errors import FeelSyntaxError
    with pytest.raises(FeelSyntaxError) as info:
        parse("1 +", origin="template.feel")
    assert str(info.value).splitlines()[1].startswith("template.feel:1:3")
