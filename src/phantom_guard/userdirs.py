"""Where phantom-guard keeps the user's config, cache and shims: the platform's user directories.

On Linux these follow the XDG Base Directory rules — ``$XDG_CONFIG_HOME`` (etc.) when it is an
absolute path, else under ``$HOME`` — worked out here because importing `platformdirs` costs
~10 ms (it imports tempfile, shutil, random), and every run looks for the user's config file.
Other systems, and a Linux without an absolute ``$HOME``, ask platformdirs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "phantom-guard"

#: kind -> (XDG variable, default under $HOME)
_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
    "data": ("XDG_DATA_HOME", ".local/share"),
}


def user_config_dir() -> Path:
    """``phantom-guard`` in the user config dir (``~/.config/phantom-guard`` on Linux)."""
    return _xdg("config") or _platformdirs("user_config_dir")


def user_cache_dir() -> Path:
    """``phantom-guard`` in the user cache dir (``~/.cache/phantom-guard`` on Linux)."""
    return _xdg("cache") or _platformdirs("user_cache_dir")


def user_data_dir() -> Path:
    """``phantom-guard`` in the user data dir (``~/.local/share/phantom-guard`` on Linux)."""
    return _xdg("data") or _platformdirs("user_data_dir")


def _xdg(kind: str) -> Path | None:
    if not sys.platform.startswith("linux") or os.environ.get("ANDROID_DATA"):
        return None
    variable, default = _XDG[kind]
    base = os.environ.get(variable, "")
    if os.path.isabs(base):
        return Path(base, APP)
    home = os.environ.get("HOME", "")
    return Path(home, default, APP) if os.path.isabs(home) else None


def _platformdirs(which: str) -> Path:
    import platformdirs

    found: str = getattr(platformdirs, which)(APP, appauthor=False)
    return Path(found)
