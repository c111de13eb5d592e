"""`record`: frozen, slotted value classes that behave as `@dataclass(frozen=True, slots=True)` ones
(`dataclasses.fields`/`replace`/`asdict`, `FrozenInstanceError`, equality, hashing, pickling) with
their methods made from shared closures and their `dataclasses.Field`s made on first request, so
a short start (`feelish eval`) imports neither `dataclasses` nor `inspect`, nor compiles methods."""
from __future__ import annotations

from operator import attrgetter

__all__ = ["record", "field_names", "field_types"]

FIELDS = "__record_fields__"        # names, in order, inherited ones first
DEFAULTS = "__record_defaults__"    # name -> default
UNCOMPARED = "__record_uncompared__"  # names left out of ==, hash (dataclass field(compare=False))


def field_names(cls: type | object) -> tuple[str, ...]:
    """The field names of a record class (or instance), in order: `[f.name for f in
    dataclasses.fields(cls)]` without loading `dataclasses`."""
    return getattr(cls, FIELDS)


def field_types(cls: type | object) -> dict[str, object]:
    """Field name -> its annotation as written (a string under `from __future__ import
    annotations`, as `dataclasses.Field.type` holds it), in field order, without `dataclasses`."""
    owner = cls if isinstance(cls, type) else type(cls)
    annotations: dict = {}
    for klass in reversed(owner.__mro__):
        annotations.update(klass.__dict__.get("__annotations__", {}))
    return {name: annotations.get(name, "Any") for name in getattr(owner, FIELDS)}


def record(cls: type | None = None, *, uncompared: tuple[str, ...] = ()):
    """Make `cls` (fields as annotations, defaults as values) a frozen, slotted value class:
    `@record` or `@record(uncompared=("cache",))`. A method the class defines itself is kept."""
    if cls is None:
        return lambda c: _make(c, frozenset(uncompared))
    return _make(cls, frozenset(uncompared))


def _make(cls: type, uncompared: frozenset) -> type:
    names: list[str] = []
    defaults: dict = {}
    skip = set(uncompared)
    for base in reversed(cls.__mro__[1:]):
        if FIELDS in base.__dict__:
            names += [n for n in base.__dict__[FIELDS] if n not in names]
            defaults.update(base.__dict__[DEFAULTS])
            skip |= base.__dict__[UNCOMPARED]
    own = [n for n in cls.__dict__.get("__annotations__", ()) if n not in names]
    for name in own:
        if name in cls.__dict__:
            defaults[name] = cls.__dict__[name]
        elif defaults:
            raise TypeError(f"non-default argument {name!r} follows default argument")
    names += own
    fields = tuple(names)
    namespace = {k: v for k, v in cls.__dict__.items()
                 if k not in own and k not in ("__dict__", "__weakref__")}
    namespace.update({"__slots__": tuple(own), FIELDS: fields, DEFAULTS: defaults,
                      UNCOMPARED: frozenset(skip), "__match_args__": fields,
                      "__dataclass_fields__": _LazyFields()})
    compared = tuple(n for n in fields if n not in skip)
    methods = _methods(cls.__name__, fields, compared, defaults)
    for name, method in methods.items():
        if cls.__dict__.get(name) is not None and name not in ("__setattr__", "__delattr__"):
            continue  # the class's own (dataclass does the same)
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        namespace[name] = method
    if namespace.get("__doc__") is None:
        namespace["__doc__"] = f"{cls.__name__}({', '.join(fields)})"
    new = type(cls)(cls.__name__, cls.__bases__, namespace)
    setters = tuple(getattr(new, name).__set__ for name in fields)
    new.__record_setters__ = setters  # type: ignore[attr-defined]
    return new


def _methods(cls_name: str, fields: tuple, compared: tuple, defaults: dict) -> dict:
    count = len(fields)
    get = _getter(fields)
    key = _getter(compared)

    def bind(args: tuple, kwargs: dict) -> tuple:
        if len(args) > count:
            raise TypeError(f"{cls_name}() takes {count} arguments but {len(args)} were given")
        values = list(args)
        for name in fields[len(args):]:
            if name in kwargs:
                values.append(kwargs.pop(name))
            elif name in defaults:
                values.append(defaults[name])
            else:
                raise TypeError(f"{cls_name}() missing required argument: {name!r}")
        if kwargs:
            raise TypeError(f"{cls_name}() got an unexpected or repeated argument: "
                            f"{next(iter(kwargs))!r}")
        return tuple(values)

    required = sum(name not in defaults for name in fields)  # the leading ones
    tail = tuple(defaults[name] for name in fields[required:])

    def __init__(self, *args, **kwargs):
        if kwargs or len(args) != count:
            given = len(args)
            if kwargs or not required <= given < count:
                args = bind(args, kwargs)
            else:
                args += tail[given - required:]
        for put, value in zip(self.__record_setters__, args):
            put(self, value)

    def __repr__(self):
        return f"{type(self).__qualname__}(" + ", ".join(
            f"{name}={value!r}" for name, value in zip(fields, get(self))) + ")"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self):
        return hash(key(self))

    def __setattr__(self, name, value):
        from dataclasses import FrozenInstanceError  # only on this mistake

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self):
        return get(self)

    def __setstate__(self, state):
        for put, value in zip(self.__record_setters__, state):
            put(self, value)

    return {"__init__": __init__, "__repr__": __repr__, "__eq__": __eq__, "__hash__": __hash__,
            "__setattr__": __setattr__, "__delattr__": __delattr__,
            "__getstate__": __getstate__, "__setstate__": __setstate__}


def _getter(names: tuple):
    """obj -> the tuple of its `names` attributes."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


class _LazyFields:
    """`__dataclass_fields__` on first read (what `dataclasses.fields`, `is_dataclass`, `replace`
    and `asdict` look at): the fields of an equivalent dataclass, made then and kept on the class."""

    def __get__(self, obj, owner):
        import dataclasses

        defaults = getattr(owner, DEFAULTS)
        skip = getattr(owner, UNCOMPARED)
        specs = []
        for name, annotation in field_types(owner).items():
            options = {"compare": name not in skip}
            if name in defaults:
                options["default"] = defaults[name]
            specs.append((name, annotation, dataclasses.field(**options)))
        made = dataclasses.make_dataclass(owner.__name__, specs, frozen=True)
        fields = made.__dataclass_fields__
        type.__setattr__(owner, "__dataclass_fields__", fields)
        return fields
