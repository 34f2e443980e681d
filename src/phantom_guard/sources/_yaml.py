"""Reading YAML as a node tree, which keeps the line of every key that `yaml.safe_load` drops.

`compose_yaml` builds the tree (safely: it constructs no objects); the other functions read
mappings and scalars from it, raising `SourceError` with a line on a wrong-shaped value.
"""

from __future__ import annotations

import yaml

from phantom_guard.errors import SourceError

_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"


def compose_yaml(file: str, text: str) -> yaml.Node | None:
    """The YAML node tree of `text` (None when empty); every failure is a `SourceError`."""
    try:
        node: yaml.Node | None = yaml.compose(text.removeprefix("\ufeff"), Loader=_LOADER)
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
    return node


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
