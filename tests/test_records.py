"""feelish.records: value classes that behave as `@dataclass(frozen=True, slots=True)` ones without
importing dataclasses until fields are asked for (docs/internals.md, "Start-up")."""
from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest
from fresh import run_fresh

from feelish.records import field_names, record


@record
class Point:
    x: int
    y: int = 0


@record(uncompared=("note",))
class Tagged:
    value: int
    note: str | None = None


@record
class Point3(Point):
    z: int = 5


def test_construction_defaults_and_keywords():
    assert Point(1) == Point(1, 0) == Point(x=1) == Point(y=0, x=1)
    assert Point3(1, 2) == Point3(1, 2, 5) and Point3(1, 2) != Point(1, 2)
    assert field_names(Point3) == ("x", "y", "z") == field_names(Point3(1))
    with pytest.raises(TypeError, match="missing required argument: 'x'"):
        Point()
    with pytest.raises(TypeError, match="takes 2 arguments but 3"):
        Point(1, 2, 3)
    with pytest.raises(TypeError, match="unexpected or repeated argument: 'w'"):
        Point(1, w=2)


def test_frozen_slotted_hashable_and_repr_as_a_dataclass():
    p = Point(1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.y
    assert not hasattr(p, "__dict__")
    assert hash(p) == hash(Point(1, 2)) and {p: 1}[Point(1, 2)] == 1
    assert repr(p) == "Point(x=1, y=2)" and repr(Point3(1)) == "Point3(x=1, y=0, z=5)"
    assert (Point(1, 2) == (1, 2)) is False


def test_an_uncompared_field_is_out_of_equality_and_hashing():
    assert Tagged(1, "a") == Tagged(1, "b") and hash(Tagged(1, "a")) == hash(Tagged(1))
    assert Tagged(1) != Tagged(2)
    assert [f.compare for f in dataclasses.fields(Tagged)] == [True, False]


def test_dataclasses_functions_work_on_records():
    assert dataclasses.is_dataclass(Point) and dataclasses.is_dataclass(Point(1))
    fields = dataclasses.fields(Point3)
    assert [(f.name, f.default) for f in fields] == [("x", dataclasses.MISSING), ("y", 0), ("z", 5)]
    assert dataclasses.replace(Point3(1, 2), z=9) == Point3(1, 2, 9)
    assert dataclasses.asdict(Point(1, 2)) == {"x": 1, "y": 2}


def test_pickle_and_copy_keep_the_value():
    for value in (Point(1, 2), Point3(1, 2, 3), Tagged(1, "n")):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.copy(value) == value and copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(Tagged(1, "n"))).note == "n"


def test_a_class_method_of_its_own_is_kept():
    @record
    class Shown:
        a: int

        def __repr__(self) -> str:
            return "shown"

    assert repr(Shown(1)) == "shown" and Shown(1) == Shown(1)


def test_a_field_without_default_after_one_with_is_refused():
    with pytest.raises(TypeError, match="non-default argument 'b'"):
        @record
        class Wrong:
            a: int = 0
            b: int


def test_making_and_using_records_does_not_import_dataclasses():
    code = ("import sys\n"
            "from feelish.records import record\n"
            "@record\n"
            "class P:\n"
            "    x: int\n"
            "    y: int = 2\n"
            "p = P(1)\n"
            "assert p == P(1, 2) and hash(p) == hash(P(1)) and repr(p) == 'P(x=1, y=2)'\n"
            "print('dataclasses' in sys.modules)\n")
    assert run_fresh(code).strip() == "False"
