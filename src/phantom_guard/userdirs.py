"""Where phantom-guard keeps the user's config, cache and shims: the platform's user directories.

On Linux these follow the XDG Base Directory rules — ``$XDG_CONFIG_HOME`` (etc.) when it is an
absolute path, else under ``$HOME`` — worked out here because importing `platformdirs` costs
~10 ms (it imports tempfile, shutil, random), and every run looks for the user's config file.
Other systems, and a Linux without an absolute ``$HOME``, ask platformdirs. Paths are `str`, as
in `settings`: no pathlib on the start-up path.
"""

from __future__ import annotations

import os
import sys

APP = "phantom-guard"

#: kind -> (XDG variable, default under $HOME)
_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
    "data": ("XDG_DATA_HOME", ".local/share"),
}


def user_config_dir() -> str:
    """``phantom-guard`` in the user config dir (``~/.config/phantom-guard`` on Linux)."""
    return _xdg("config") or _platformdirs("user_config_dir")


def user_cache_dir() -> str:
    """``phantom-guard`` in the user cache dir (``~/.cache/phantom-guard`` on Linux)."""
    return _xdg("cache") or _platformdirs("user_cache_dir")


def user_data_dir() -> str:
    """``phantom-guard`` in the user data dir (``~/.local/share/phantom-guard`` on Linux)."""
    return _xdg("data") or _platformdirs("user_data_dir")


def _xdg(kind: str) -> str | None:
    if not sys.platform.startswith("linux") or os.environ.get("ANDROID_DATA"):
        return None
    variable, default = _XDG[kind]
    base = os.environ.get(variable, "")
    if os.path.isabs(base):
        return os.path.join(base, APP)
    home = os.environ.get("HOME", "")
    return os.path.join(home, default, APP) if os.path.isabs(home) else None


def _platformdirs(which: str) -> str:
    import platformdirs

    found: str = getattr(platformdirs, which)(APP, appauthor=False)
    return found
