"""Reading YAML as a node tree, which keeps the line of every key that `yaml.safe_load` drops.

`compose_yaml` builds the tree (safely: it constructs no objects); the other functions read
mappings and scalars from it, raising `SourceError` with a line on a wrong-shaped value.

A lock file is untrusted input: nesting is bounded by our own scan before libyaml sees the text
(some libyaml builds have no depth limit and overflow the C stack), and aliases may not expand
the tree beyond a budget (a "billion laughs" document is refused, not walked).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import yaml

from phantom_guard.errors import SourceError

_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)
_NULL = "tag:yaml.org,2002:null"
#: Nesting deeper than this (per kind: indentation, flow brackets, compact "- - -") is refused;
#: real lock files nest a handful of levels.
MAX_DEPTH = 200
#: Nodes the tree may hold once every alias is expanded: far above any real lock file, far
#: below what would stall a scan.
MAX_EXPANDED_NODES = 2_000_000
_BRACKETS = re.compile(r"[\[\]{}]")
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
_DASHES = re.compile(rf"(?:-[ \t]+){{{MAX_DEPTH}}}")
_MERGE = "tag:yaml.org,2002:merge"


def compose_yaml(file: str, text: str) -> yaml.Node | None:
    """The YAML node tree of `text` (None when empty); every failure is a `SourceError`."""
    _check_depth(file, text)
    node = _composed(file, lambda: yaml.compose(text.removeprefix("\ufeff"), Loader=_LOADER))
    if node is not None:
        _check_expansion(file, node)
    return node


def compose_yaml_all(file: str, text: str) -> list[yaml.Node]:
    """The node tree of each document in `text` (pnpm 11 writes two); checks and failures as in
    `compose_yaml`.
    """
    _check_depth(file, text)
    nodes = _composed(
        file, lambda: list(yaml.compose_all(text.removeprefix("\ufeff"), Loader=_LOADER))
    )
    found = [node for node in nodes if node is not None]
    for node in found:
        _check_expansion(file, node)
    return found


_T = TypeVar("_T")


def _composed(file: str, compose: Callable[[], _T]) -> _T:
    try:
        return compose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = ", ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        raise SourceError(file, f"invalid YAML: {what}", line) from None
    except yaml.YAMLError as exc:
        raise SourceError(file, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise SourceError(file, "invalid YAML: nested too deeply") from None
    except UnicodeError as exc:
        raise SourceError(file, f"invalid YAML: {exc}") from None


def _check_depth(file: str, text: str) -> None:
    """Refuse nesting deeper than `MAX_DEPTH`, in linear time and before any YAML parser runs.

    Brackets inside quoted strings count too: a refusal errs toward a false alarm, never a crash.
    """
    widest = max((len(m.group()) for m in _INDENT.finditer(text)), default=0)
    if widest > MAX_DEPTH:
        raise SourceError(file, f"invalid YAML: indented more than {MAX_DEPTH} columns")
    if text.count("[") + text.count("{") > MAX_DEPTH:
        depth = 0
        for match in _BRACKETS.finditer(text):
            if match.group() in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise SourceError(file, f"invalid YAML: nested more than {MAX_DEPTH} deep")
            elif depth:
                depth -= 1
    if "- " in text and _DASHES.search(text):
        raise SourceError(file, f"invalid YAML: nested more than {MAX_DEPTH} deep")


def _check_expansion(file: str, root: yaml.Node) -> None:
    """Refuse a tree whose aliases expand it beyond `MAX_EXPANDED_NODES`, or refer to themselves.

    Iterative, and each distinct node is sized once: linear in the document, whatever it aliases.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = _children(node)
        if children_done:
            total = 1 + sum(sizes[id(child)] for child in children)
            if total > MAX_EXPANDED_NODES:
                raise SourceError(
                    file,
                    f"invalid YAML: aliases expand it beyond {MAX_EXPANDED_NODES:,} nodes",
                    _line(node),
                )
            sizes[key] = total
            in_progress.discard(key)
            continue
        if key in sizes:
            continue
        if key in in_progress:
            raise SourceError(file, "invalid YAML: an alias refers to itself", _line(node))
        in_progress.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _line(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


def yaml_items(file: str, node: yaml.Node | None, what: str) -> list[tuple[str, yaml.Node, int]]:
    """(key, value, key line) of a mapping node; a missing or null node is an empty mapping."""
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL):
        return []
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(file, f"{what} must be a mapping", _line(node))
    items = []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise SourceError(file, f"{what} has a key that is not a string", _line(key))
        if key.tag == _MERGE:
            continue
        items.append((str(key.value), value, _line(key)))
    return items


def yaml_get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node under `key` in a mapping node (the last one if repeated), else None."""
    found = None
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found = value
    return found


def yaml_str(file: str, node: yaml.Node | None, what: str) -> str | None:
    """The text of a scalar node (None when missing or null); a list or mapping is an error."""
    if node is None:
        return None
    if not isinstance(node, yaml.ScalarNode):
        raise SourceError(file, f"{what} must be a string", _line(node))
    if node.tag == _NULL:
        return None
    return str(node.value)
