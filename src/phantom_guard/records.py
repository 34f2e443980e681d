"""Frozen, slotted record classes, made without the standard library's `dataclasses`.

Why not dataclasses: importing it imports `inspect` (~16 ms), and it writes each class's methods
with several `exec` calls and then builds a slotted class a second time (~1.3 ms per class). The
install guard and the agent hook start once per shell command an agent runs, and ~25 record
classes sit on the path of their commonest answer. Here one `exec` writes a class's constructor
(a real signature, keyword arguments and defaults as a dataclass has them) once the class has
made a few records; equality, hashing, ordering and repr are shared functions over the fields,
read in C by `operator.attrgetter`.

A frozen record's fields are the slots of a plain base class (``<Name>.Fields``): its
constructor, ``__new__``, fills an instance of that base with ordinary attribute stores, which
the interpreter specializes, then makes it an instance of the record class, whose
``__setattr__`` refuses. Half the cost of calling each slot's setter, as a frozen dataclass
does (a lock file makes five records per entry). Records are final: a subclass is refused.

    @record
    class Point:
        x: int
        y: int = 0
        tags: tuple[str, ...] = field(default=(), compare=False)

What a dataclass offers that this does not: InitVar, ClassVar fields, inheritance between
records (or subclassing a frozen one), `field(init=False)`, keyword-only fields. A class that
needs them fails at import (`TypeError`), not silently. `mypy` reads `record` as a dataclass
(`dataclass_transform`).
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, dataclass_transform, overload

    _T = TypeVar("_T")

__all__ = ["FrozenInstanceError", "field", "fields", "record", "replace"]


class _Missing:
    """The absence of a default (None is a default like any other)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record (an AttributeError, as with dataclasses)."""


class Field:
    """A field's default (a value or a factory), whether it takes part in ``==`` and hash, and
    whether repr shows it.
    """

    __slots__ = ("compare", "default", "default_factory", "name", "repr")

    def __init__(self, default: Any, default_factory: Any, compare: bool, repr: bool) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr

    def __repr__(self) -> str:
        return f"Field({self.name!r})"


def field(
    *,
    default: Any = _MISSING,
    default_factory: Any = _MISSING,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field's default when it is mutable (`default_factory`), or one not compared or shown."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("a field takes a default or a default_factory, not both")
    return Field(default, default_factory, compare, repr)


def fields(cls_or_record: object) -> tuple[Field, ...]:
    """The fields of a record class (or record), in declaration order."""
    found: tuple[Field, ...] | None = getattr(cls_or_record, "__record_fields__", None)
    if found is None:
        raise TypeError(f"{cls_or_record!r} is not a record")
    return found


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the record `obj` with `changes`, built (and so checked) by its ``__init__``."""
    values = {f.name: getattr(obj, f.name) for f in fields(obj)}
    unknown = changes.keys() - values.keys()
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)[0]!r}")
    values.update(changes)
    return type(obj)(**values)


if TYPE_CHECKING:

    @overload
    @dataclass_transform(frozen_default=True, field_specifiers=(field,))
    def record(cls: type[_T], /) -> type[_T]: ...

    @overload
    @dataclass_transform(frozen_default=True, field_specifiers=(field,))
    def record(*, frozen: bool = True, order: bool = False) -> Callable[[type[_T]], type[_T]]: ...


def record(
    cls: type[_T] | None = None, /, *, frozen: bool = True, order: bool = False
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """Make `cls` a slotted record class: ``@record`` (frozen) or ``@record(frozen=False)``."""

    def wrap(cls: type[_T]) -> type[_T]:
        return _build(cls, frozen=frozen, order=order)

    return wrap if cls is None else wrap(cls)


def _build(cls: type[_T], *, frozen: bool, order: bool) -> type[_T]:
    namespace = dict(cls.__dict__)
    if cls.__bases__ != (object,):
        raise TypeError(f"record {cls.__name__} cannot inherit (from {cls.__bases__})")
    declared: dict[str, str] = namespace.get("__annotations__", {})
    found: list[Field] = []
    for name, annotation in declared.items():
        if str(annotation).startswith(("ClassVar", "InitVar", "typing.ClassVar")):
            raise TypeError(f"record {cls.__name__}.{name}: ClassVar/InitVar are not supported")
        given = namespace.pop(name, _MISSING)
        spec = given if isinstance(given, Field) else Field(given, _MISSING, True, True)
        spec.name = name
        if _required(spec) and found and not _required(found[-1]):
            raise TypeError(f"record {cls.__name__}: field {name!r} without a default follows one")
        found.append(spec)
    for stale in ("__dict__", "__weakref__"):
        namespace.pop(stale, None)
    names = tuple(f.name for f in found)
    namespace["__qualname__"] = cls.__qualname__
    namespace["__match_args__"] = names
    namespace["__record_fields__"] = tuple(found)
    compared = [f.name for f in found if f.compare]
    key = attrgetter(*compared) if compared else _nothing
    post_init = "__post_init__" in namespace
    bases: tuple[type, ...] = cls.__bases__
    if frozen:
        layout = type(
            "Fields",
            (),
            {
                "__slots__": names,
                "__module__": cls.__module__,
                "__qualname__": f"{cls.__qualname__}.Fields",
            },
        )
        bases = (layout,)
        namespace["__slots__"] = ()
        namespace["Fields"] = layout
        namespace["__new__"] = _first_writer(cls.__qualname__, found, post_init, layout)
        namespace["__init_subclass__"] = _final
        namespace["__reduce__"] = _reduce
    else:
        namespace["__slots__"] = names
        namespace["__init__"] = _first_writer(cls.__qualname__, found, post_init, None)
    namespace["__repr__"] = _repr
    namespace["__eq__"] = _comparison(key, lambda a, b: a == b)
    if frozen:
        namespace["__hash__"] = lambda self: hash(key(self))
        namespace["__setattr__"] = _frozen_setattr
        namespace["__delattr__"] = _frozen_delattr
    else:
        namespace["__hash__"] = None  # mutable and compared by value: unhashable, as a dataclass
    if order:
        namespace["__lt__"] = _comparison(key, lambda a, b: a < b)
        namespace["__le__"] = _comparison(key, lambda a, b: a <= b)
        namespace["__gt__"] = _comparison(key, lambda a, b: a > b)
        namespace["__ge__"] = _comparison(key, lambda a, b: a >= b)
    metaclass: Any = type(cls)
    made: type[_T] = metaclass(cls.__name__, bases, namespace)
    return made


def _required(spec: Field) -> bool:
    return spec.default is _MISSING and spec.default_factory is _MISSING


def _nothing(_: object) -> tuple[()]:
    return ()


#: Constructions of a class served by the interpreted constructor before the written one.
_INTERPRETED_CALLS = 32


def _first_writer(qualname: str, found: list[Field], post_init: bool, layout: type | None) -> Any:
    """A constructor that binds arguments itself for a class's first few records, then writes
    the real one (`_written`) and steps aside: ``__new__`` of a frozen record (an instance of
    `layout` made one of the class), ``__init__`` of a mutable one.

    Writing costs an `exec` (0.2-0.8 ms a class), which a short run -- a popular name's answer
    makes a handful of each of a dozen records -- does not earn back; a long one does at once.
    Anything unusual in a call (a missing, unknown or repeated argument) goes to the written
    constructor too, so errors read exactly as Python's own.
    """
    names = tuple(spec.name for spec in found)
    known = frozenset(names)
    calls_left = [_INTERPRETED_CALLS]

    if layout is not None:

        def __new__(cls: Any, *args: Any, **kwargs: Any) -> Any:
            if calls_left[0] > 0:
                made: Any = layout()
                if _bind(made, args, kwargs, found, names=names, known=known):
                    calls_left[0] -= 1
                    made.__class__ = cls
                    if post_init:
                        made.__post_init__()
                    return made
            written = _written(qualname, found, post_init, layout)
            type.__setattr__(cls, "__new__", staticmethod(written))
            return written(cls, *args, **kwargs)

        __new__.__qualname__ = f"{qualname}.__new__"
        return __new__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if calls_left[0] > 0 and _bind(self, args, kwargs, found, names=names, known=known):
            calls_left[0] -= 1
            if post_init:
                self.__post_init__()
            return
        owner = next(k for k in type(self).__mro__ if k.__dict__.get("__init__") is __init__)
        written = _written(qualname, found, post_init, None)
        type.__setattr__(owner, "__init__", written)
        written(self, *args, **kwargs)

    __init__.__qualname__ = f"{qualname}.__init__"
    return __init__


def _bind(
    self: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    found: list[Field],
    *,
    names: tuple[str, ...],
    known: frozenset[str],
) -> bool:
    """Set the fields from a well-formed call as the written constructor would; False (and
    nothing set) for any call it would refuse.
    """
    if len(args) >= len(names):
        if len(args) > len(names) or kwargs:
            return False
        for name, value in zip(names, args, strict=True):  # every field, in order: nothing
            object.__setattr__(self, name, value)  # to look up (what the hot callers pass)
        return True
    values = dict(zip(names, args, strict=False))
    for name, value in kwargs.items():
        if name in values or name not in known:
            return False
        values[name] = value
    if len(values) < len(names) and any(
        _required(spec) for spec in found if spec.name not in values
    ):
        return False
    for spec in found:
        name = spec.name
        if name in values:
            value = values[name]
        elif spec.default_factory is not _MISSING:
            value = spec.default_factory()
        else:
            value = spec.default
        object.__setattr__(self, name, value)  # a frozen record's own setattr refuses
    return True


def _written(qualname: str, found: list[Field], post_init: bool, layout: type | None) -> Any:
    """The class's constructor, written once so calls bind arguments at C speed: ``__new__``
    filling an instance of `layout` (a frozen record), else ``__init__``.
    """
    scope: dict[str, Any] = {"_MISSING": _MISSING, "_layout": layout}
    params, body = ["cls" if layout is not None else "self"], []
    if layout is not None:
        # Calling the layout, not object.__new__(layout): the type's own call skips the
        # argument checks of __new__ called as a function (~100 ns of each record).
        body.append("  self = _layout()")
    for spec in found:
        name = spec.name
        if spec.default_factory is not _MISSING:
            scope[f"_factory_{name}"] = spec.default_factory
            params.append(f"{name}=_MISSING")
            body.append(f"  if {name} is _MISSING: {name} = _factory_{name}()")
        elif spec.default is not _MISSING:
            scope[f"_default_{name}"] = spec.default
            params.append(f"{name}=_default_{name}")
        else:
            params.append(name)
        body.append(f"  self.{name} = {name}")
    if layout is not None:
        body.append("  self.__class__ = cls")
    if post_init:
        body.append("  self.__post_init__()")
    if layout is not None:
        body.append("  return self")
    kind = "__new__" if layout is not None else "__init__"
    source = f"def {kind}({', '.join(params)}):\n" + "\n".join(body or ["  pass"])
    exec(source, scope)
    made = scope[kind]
    made.__qualname__ = f"{qualname}.{kind}"
    return made


def _repr(self: Any) -> str:
    shown = ", ".join(
        f"{f.name}={getattr(self, f.name)!r}" for f in self.__record_fields__ if f.repr
    )
    return f"{type(self).__qualname__}({shown})"


def _comparison(key: Callable[[Any], Any], compare: Callable[[Any, Any], bool]) -> Any:
    def method(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return compare(key(self), key(other))

    return method


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r} of a frozen record")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r} of a frozen record")


def _reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
    """Pickled and copied as the call that makes it again (its checks included)."""
    return type(self), tuple(getattr(self, f.name) for f in self.__record_fields__)


def _final(cls: type, **kwargs: Any) -> None:
    raise TypeError(f"record {cls.__mro__[1].__qualname__} cannot be subclassed")
