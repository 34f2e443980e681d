"""`phantom_guard.records` behaves as the frozen slotted dataclass it stands in for."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle

import pytest

from phantom_guard.model import Signal, SignalKind
from phantom_guard.records import FrozenInstanceError, field, fields, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default=(), compare=False)
    notes: list[str] = field(default_factory=list, compare=False, repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class DataPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = dataclasses.field(default=(), compare=False)
    notes: list[str] = dataclasses.field(default_factory=list, compare=False, repr=False)


@record
class Checked:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")


@record(frozen=False)
class Counter:
    count: int = 0


@record(order=True)
class Version:
    major: int
    minor: int = 0


def test_construction_matches_a_dataclass() -> None:
    for args, kwargs in [((1,), {}), ((1, 2), {}), ((), {"x": 3, "tags": ("a",)})]:
        mine, theirs = Point(*args, **kwargs), DataPoint(*args, **kwargs)
        assert repr(mine).replace("Point", "DataPoint") == repr(theirs)
        assert [getattr(mine, f.name) for f in fields(Point)] == [
            getattr(theirs, f.name) for f in dataclasses.fields(DataPoint)
        ]


def test_equality_and_hash_follow_the_compared_fields() -> None:
    assert Point(1, 2) == Point(1, 2, tags=("other",))
    assert hash(Point(1, 2)) == hash(Point(1, 2, tags=("other",)))
    assert Point(1, 2) != Point(2, 1)
    assert Point(1) != DataPoint(1)  # another class is never equal
    assert {Point(1), Point(1)} == {Point(1)}


def test_factories_give_each_record_its_own_value() -> None:
    first, second = Point(1), Point(2)
    first.notes.append("n")
    assert second.notes == []


def test_a_frozen_record_refuses_assignment_and_has_no_dict() -> None:
    point = Point(1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.y  # type: ignore[misc]
    assert not hasattr(point, "__dict__")
    with pytest.raises(TypeError):
        Point(1, 2, (), [], 5)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]


def test_post_init_checks_every_construction_and_replace() -> None:
    with pytest.raises(ValueError, match="negative"):
        Checked(-1)
    with pytest.raises(ValueError, match="negative"):
        replace(Checked(1), value=-1)


def test_replace_keeps_the_other_fields_and_rejects_unknown_ones() -> None:
    point = Point(1, 2, tags=("t",))
    assert replace(point, y=5) == Point(1, 5)
    assert replace(point, y=5).tags == ("t",)
    with pytest.raises(TypeError, match="no field 'z'"):
        replace(point, z=1)


def test_mutable_records_assign_and_are_unhashable() -> None:
    counter = Counter()
    counter.count += 1
    assert counter == Counter(1)
    with pytest.raises(TypeError):
        hash(counter)
    with pytest.raises(AttributeError):
        counter.other = 1  # type: ignore[attr-defined]


def test_order_compares_fields_in_declaration_order() -> None:
    assert sorted([Version(2), Version(1, 5), Version(1)]) == [
        Version(1),
        Version(1, 5),
        Version(2),
    ]
    assert Version(1, 1) <= Version(1, 1) < Version(1, 2)


def test_records_pickle_copy_and_match() -> None:
    point = Point(1, 2, tags=("t",))
    assert pickle.loads(pickle.dumps(point)) == point
    assert type(pickle.loads(pickle.dumps(point))) is Point
    assert copy.copy(point) == copy.deepcopy(point) == point
    with pytest.raises(ValueError, match="negative"):
        pickle.loads(pickle.dumps(Checked(1)).replace(b"K\x01", b"J\xff\xff\xff\xff"))
    match point:
        case Point(x, y):
            assert (x, y) == (1, 2)


def test_what_records_do_not_support_fails_at_class_creation() -> None:
    with pytest.raises(TypeError, match="without a default"):

        @record
        class Bad:
            first: int = 0
            second: int  # type: ignore[misc]

    with pytest.raises(TypeError, match="cannot be subclassed"):

        @record
        class Child(Point):  # type: ignore[misc]
            z: int = 0

    with pytest.raises(TypeError, match="cannot be subclassed"):

        class Plain(Point):  # a frozen record's fields are laid out for it alone
            pass

    class Base:
        pass

    with pytest.raises(TypeError, match="cannot inherit"):

        @record
        class Derived(Base):
            z: int = 0

    with pytest.raises(ValueError, match="not both"):
        field(default=1, default_factory=int)
    with pytest.raises(TypeError, match="not a record"):
        fields(DataPoint)


def test_the_first_constructions_and_the_written_init_agree() -> None:
    """A class's first constructions bind arguments without the written ``__init__``; every
    call before and after it is written sets the same fields and raises the same errors.
    """

    @record
    class Fresh:
        x: int
        y: int = 0
        notes: list[str] = field(default_factory=list)

        def __post_init__(self) -> None:
            if self.x < 0:
                raise ValueError("negative")

    calls: list[tuple[tuple[object, ...], dict[str, object]]] = [
        ((1,), {}),
        ((1, 2), {}),
        ((), {"x": 3, "notes": ["a"]}),
        ((4,), {"y": 5}),
        ((6, 7, ["b"]), {}),
    ]
    broken: list[tuple[tuple[object, ...], dict[str, object]]] = [
        ((), {}),
        ((1, 2, [], 4), {}),
        ((1,), {"x": 2}),
        ((1,), {"z": 2}),
        ((1, 2, []), {"y": 3}),
        ((-1,), {}),
    ]

    def outcome(args: tuple[object, ...], kwargs: dict[str, object]) -> object:
        try:
            made = Fresh(*args, **kwargs)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            return type(exc), str(exc)
        return made.x, made.y, made.notes

    early = [outcome(*call) for call in calls + broken]
    assert "__new__" in Fresh.__dict__
    for _ in range(40):
        Fresh(1)
    late = [outcome(*call) for call in calls + broken]
    assert early == late
    assert early[:5] == [(1, 0, []), (1, 2, []), (3, 0, ["a"]), (4, 5, []), (6, 7, ["b"])]
    assert all(isinstance(result[0], type) for result in early[5:])
    assert Fresh(1).notes is not Fresh(1).notes


@pytest.mark.parametrize("weight", [math.nan, -1.01, 1.5, math.inf])
def test_a_signal_weight_outside_minus_one_to_one_is_refused(weight: float) -> None:
    with pytest.raises(ValueError, match="signal weight"):
        Signal(SignalKind.TYPOSQUAT, weight, "m")
