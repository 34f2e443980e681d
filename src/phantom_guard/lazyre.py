"""Regular expressions compiled on first use.

A warm answer (a popular name, ``pip install requests`` in a hook) must not import `re`: with
`enum` and `functools` behind it, it is most of such a run's import time. Modules whose common
case needs no pattern keep theirs as source text and compile it here when a case does.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the start-up path
if TYPE_CHECKING:
    import re

_COMPILED: dict[str, re.Pattern[str]] = {}


def compiled(source: str) -> re.Pattern[str]:
    """`source` compiled, once per process."""
    found = _COMPILED.get(source)
    if found is None:
        import re

        found = _COMPILED[source] = re.compile(source)
    return found
