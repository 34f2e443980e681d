"""Stand-ins for standard-library pieces whose usual imports a warm answer cannot afford.

`import enum` imports `functools` and `collections`: about 17 million instructions, as much as
the rest of a popular name's answer, and `functools` alone is ~10 million, a tenth of a warm
`check`'s own work. Type checkers read this module as the standard library's; at run time:

`StrEnum` -- what phantom-guard uses of `enum.StrEnum`. A member is a `str` subclass instance,
made once per class:

* ``Registry.NPM``, ``Registry("npm")`` (a member or its value; ``ValueError`` otherwise),
  ``Registry["NPM"]``, iteration and ``len`` in definition order, ``__members__``;
* ``.name``, ``.value``; ``str()``, ``format()``, ``==`` and hashing as the value's own;
  ``repr`` as an Enum's (``<Registry.NPM: 'npm'>``); pickling and copying keep the member.

Class-body attributes that are not strings (properties, methods) or start with ``_`` are not
members. Not offered: ``auto()``, aliases, ``_missing_``, extending a class that has members,
Flag and IntEnum; code that needs those imports `enum` itself.

`cached_property` -- `functools.cached_property` as of Python 3.12 (no lock): computed on the
first read and stored in the instance's ``__dict__``, which later reads find first.

`sqlite3`, and `datetime`, `timedelta`, `timezone` and `UTC`: the same objects, imported on first
use from the C modules behind them. On Python 3.11 ``import datetime`` first runs the module's
pure-Python implementation (100 KB of bytecode, ~6 million instructions) and then replaces it
with ``_datetime``'s classes, and ``import sqlite3`` imports datetime for adapters the cache never
uses; a cached name's answer needs only ``_sqlite3`` and ``_datetime``. They are resolved by the
module's ``__getattr__``, which a ``from phantom_guard.stand_ins import ...`` also asks for
``__path__`` each time it runs: in code that runs often, import them at the top of a module
that is itself imported only when they are needed, or read them off the module.
"""

from __future__ import annotations

__all__ = ["UTC", "StrEnum", "cached_property", "datetime", "sqlite3", "timedelta", "timezone"]

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    import sqlite3
    from datetime import UTC, datetime, timedelta, timezone
    from enum import StrEnum
    from functools import cached_property
else:
    _DATETIME_NAMES = frozenset({"UTC", "datetime", "timedelta", "timezone"})

    def __getattr__(name):
        """`sqlite3` and datetime's classes, from their C modules on first use (then held)."""
        if name in _DATETIME_NAMES:
            try:
                import _datetime as module
            except ImportError:  # pragma: no cover - CPython has it
                import datetime as module
            value = getattr(module, name)
        elif name == "sqlite3":
            try:
                import _sqlite3 as value
            except ImportError:  # pragma: no cover - CPython has it
                import sqlite3 as value
        else:
            # Also the answer to every ``from phantom_guard.stand_ins import ...``, which asks
            # for ``__path__`` first: kept to a bare raise.
            raise AttributeError(name)
        globals()[name] = value
        return value

    class cached_property:
        """A value computed on first read, then held in the instance's ``__dict__``."""

        def __init__(self, func):
            self.func = func
            self.attrname = func.__name__
            self.__doc__ = func.__doc__

        def __set_name__(self, owner, name):
            self.attrname = name

        def __get__(self, instance, owner=None):
            if instance is None:
                return self
            value = instance.__dict__[self.attrname] = self.func(instance)
            return value

    class _StrEnumType(type):
        """Turns a class body's public string constants into the class's members."""

        def __new__(mcls, name, bases, namespace):
            found = {
                key: value
                for key, value in namespace.items()
                if not key.startswith("_") and isinstance(value, str)
            }
            for key in found:
                del namespace[key]
            cls = super().__new__(mcls, name, bases, namespace)
            if found and any(getattr(base, "_member_map_", None) for base in bases):
                raise TypeError(f"{name}: cannot extend a StrEnum that has members")
            members = {}
            by_value = {}
            for key, value in found.items():
                if value in by_value:
                    raise ValueError(f"{name}: {key!r} repeats the value {value!r}")
                member = str.__new__(cls, value)
                member._name_ = key
                member._value_ = value
                members[key] = by_value[value] = member
                type.__setattr__(cls, key, member)
            type.__setattr__(cls, "_member_map_", members)
            type.__setattr__(cls, "_value2member_map_", by_value)
            return cls

        def __call__(cls, value):
            try:
                return cls._value2member_map_[value]
            except (KeyError, TypeError):
                raise ValueError(f"{value!r} is not a valid {cls.__qualname__}") from None

        def __getitem__(cls, name):
            return cls._member_map_[name]

        def __iter__(cls):
            return iter(cls._member_map_.values())

        def __reversed__(cls):
            return reversed(cls._member_map_.values())

        def __len__(cls):
            return len(cls._member_map_)

        def __contains__(cls, value):
            return value in cls._value2member_map_

        def __setattr__(cls, name, value):
            if name in cls.__dict__.get("_member_map_", ()):
                raise AttributeError(f"cannot reassign member {name!r}")
            super().__setattr__(name, value)

        @property
        def __members__(cls):
            from types import MappingProxyType

            return MappingProxyType(cls._member_map_)

        def __repr__(cls):
            return f"<enum {cls.__name__!r}>"

    class StrEnum(str, metaclass=_StrEnumType):
        """A string enumeration; see the module's docstring for what it supports."""

        @property
        def name(self):
            return self._name_

        @property
        def value(self):
            return self._value_

        def __repr__(self):
            return f"<{type(self).__name__}.{self._name_}: {self._value_!r}>"

        def __reduce_ex__(self, protocol):
            return type(self), (self._value_,)

        def __copy__(self):
            return self

        def __deepcopy__(self, memo):
            return self

        # str's own: members compare and hash as their values (a StrEnum does too).
        __eq__ = str.__eq__
        __hash__ = str.__hash__
