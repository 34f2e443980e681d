"""`phantom_guard.stand_ins` behaves as the standard-library helpers it stands in for."""

from __future__ import annotations

import copy
import enum
import pickle
import subprocess
import sys

import pytest

from phantom_guard.stand_ins import StrEnum, cached_property


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"

    @property
    def loud(self) -> str:
        return self.value.upper()


class StdColour(enum.StrEnum):
    RED = "red"
    GREEN = "green"


def test_members_behave_as_the_standard_librarys() -> None:
    assert [m.name for m in Colour] == [m.name for m in StdColour] == ["RED", "GREEN"]
    assert [m.value for m in Colour] == ["red", "green"]
    assert len(Colour) == 2
    assert list(reversed(Colour)) == [Colour.GREEN, Colour.RED]
    assert Colour("red") is Colour.RED is Colour(Colour.RED) is Colour["RED"]
    assert repr(Colour.RED) == repr(StdColour.RED).replace("StdColour", "Colour")
    assert str(Colour.RED) == str(StdColour.RED) == "red"
    assert f"{Colour.RED:>5}" == f"{StdColour.RED:>5}" == "  red"
    assert Colour.RED == "red" and hash(Colour.RED) == hash("red")
    assert isinstance(Colour.RED, str) and isinstance(Colour.RED, Colour)
    assert Colour.RED.loud == "RED"
    assert "red" in Colour and "blue" not in Colour
    assert dict(Colour.__members__) == {"RED": Colour.RED, "GREEN": Colour.GREEN}
    assert {Colour.RED: 1}["red"] == 1


def test_unknown_values_raise_as_the_standard_librarys() -> None:
    for value in ("blue", 3, None, ["red"]):
        with pytest.raises(ValueError) as mine:
            Colour(value)
        with pytest.raises(ValueError) as theirs:
            StdColour(value)
        assert str(mine.value) == str(theirs.value).replace("StdColour", "Colour")
    with pytest.raises(KeyError):
        Colour["BLUE"]


def test_members_survive_pickling_and_copying() -> None:
    assert pickle.loads(pickle.dumps(Colour.GREEN)) is Colour.GREEN
    assert copy.copy(Colour.GREEN) is copy.deepcopy(Colour.GREEN) is Colour.GREEN


def test_members_cannot_be_reassigned_repeated_or_extended() -> None:
    with pytest.raises(AttributeError):
        Colour.RED = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="repeats"):

        class Twice(StrEnum):
            A = "a"
            B = "a"

    with pytest.raises(TypeError, match="cannot extend"):

        class More(Colour):  # type: ignore[misc]
            BLUE = "blue"


def test_cached_property_computes_once_per_instance() -> None:
    calls: list[int] = []

    class Box:
        @cached_property
        def value(self) -> int:
            """The answer."""
            calls.append(1)
            return len(calls)

    box, other = Box(), Box()
    assert (box.value, box.value, other.value) == (1, 1, 2)
    assert box.__dict__["value"] == 1
    assert isinstance(Box.__dict__["value"], cached_property)
    assert Box.value.__doc__ == "The answer."  # type: ignore[attr-defined]


def test_the_model_imports_neither_enum_nor_functools() -> None:
    script = "import sys, phantom_guard.model; print({'enum', 'functools'} & set(sys.modules))"
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "set()"


def test_datetime_and_sqlite3_are_the_standard_librarys_own_objects() -> None:
    import datetime
    import sqlite3

    from phantom_guard import stand_ins

    assert stand_ins.datetime is datetime.datetime
    assert stand_ins.timedelta is datetime.timedelta
    assert stand_ins.timezone is datetime.timezone
    assert stand_ins.UTC is datetime.UTC
    assert stand_ins.sqlite3.connect is sqlite3.connect
    assert stand_ins.sqlite3.DatabaseError is sqlite3.DatabaseError
    assert stand_ins.sqlite3.SQLITE_BUSY == sqlite3.SQLITE_BUSY
    with pytest.raises(AttributeError, match=r"^date$"):
        stand_ins.date  # noqa: B018 - only the names it lists


def test_datetime_and_sqlite3_come_from_their_c_modules_alone() -> None:
    script = (
        "import sys\n"
        "from phantom_guard.stand_ins import UTC, datetime, sqlite3\n"
        "datetime.now(UTC); sqlite3.connect(':memory:').execute('select 1')\n"
        "print(sorted({'datetime', 'sqlite3'} & set(sys.modules)))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "[]"
