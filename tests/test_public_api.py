"""The public API is pinned: it never grows or shrinks by accident, and importing it is cheap."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import phantom_guard

PUBLIC = phantom_guard.__all__
INIT = Path(phantom_guard.__file__)


def _type_checking_imports() -> set[str]:
    """The names `phantom_guard/__init__.py` imports for type checkers (``if TYPE_CHECKING``)."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module != "typing":
                    names.update(alias.asname or alias.name for alias in statement.names)
    return names


def test_all_is_sorted_and_matches_the_lazy_table_and_the_typed_imports() -> None:
    """__all__ is the one list; the lazy-import table and the type checkers' imports follow it."""
    assert sorted(PUBLIC) == PUBLIC
    assert set(PUBLIC) == {*phantom_guard._LAZY, "__version__"}
    assert _type_checking_imports() == set(phantom_guard._LAZY)


def test_the_package_ships_type_information() -> None:
    assert (INIT.parent / "py.typed").is_file()


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(phantom_guard, name) is not None


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        phantom_guard.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018


def test_public_errors_share_one_root() -> None:
    for name in PUBLIC:
        value = getattr(phantom_guard, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, phantom_guard.PhantomGuardError), name


def test_version_is_a_string() -> None:
    assert isinstance(phantom_guard.__version__, str)
    assert phantom_guard.__version__.count(".") >= 1


def test_import_does_not_load_aiohttp_or_rich() -> None:
    code = (
        "import phantom_guard, phantom_guard.model, sys; "
        "print('aiohttp' in sys.modules, 'rich' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["False", "False"]
