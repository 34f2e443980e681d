"""`plan`: refs grouped into targets, each declaration kept once with the version it pins."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from phantom_guard.model import PackageRef, Registry, Source
from phantom_guard.plan import _with_version, plan

_SOURCES = st.one_of(
    st.none(),
    st.builds(
        Source,
        st.sampled_from(["package-lock.json", "requirements.txt", "command line"]),
        st.sampled_from([None, 1, 2]),
        st.sampled_from([None, "1.0.0", "2.0.0"]),
    ),
)
_REFS = st.lists(
    st.builds(
        PackageRef,
        st.sampled_from(["flask", "Flask", "requests", "left-pad"]),
        st.just(Registry.PYPI),
        _SOURCES,
        st.sampled_from([None, "1.0.0", "3.0.0"]),
    ),
    max_size=12,
)


def _declared_as_before(refs: list[PackageRef], name: str) -> tuple[Source, ...]:
    """What a target's declarations were when every one was written down: its source when that
    pins the version (or none is asked for), else the source with the version."""
    uses: dict[Source, None] = {}
    for ref in refs:
        if ref.name.lower() != name:
            continue
        source = ref.source
        if ref.version is None or (source is not None and source.version is not None):
            if source is not None:
                uses[source] = None
        else:
            uses[_with_version(ref, ref.version)] = None
    return tuple(uses)


@settings(max_examples=300, deadline=None)
@given(_REFS)
def test_declarations_are_every_use_in_the_order_first_seen(refs: list[PackageRef]) -> None:
    for target in plan(refs).targets:
        assert target.declarations() == _declared_as_before(refs, target.normalized)


def test_a_lock_files_declarations_are_its_sources() -> None:
    lock = [
        PackageRef("left-pad", Registry.NPM, Source("package-lock.json", n, "1.0.0"), "1.0.0")
        for n in (3, 9, 3)
    ]
    (target,) = plan(lock).targets
    assert target.uses is None  # nothing written down beyond the sources
    assert target.declarations() == tuple(target.sources) == (lock[0].source, lock[1].source)
