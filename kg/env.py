"""Credentials from a `.env` file: the `NEO4J_*` settings docker compose reads, for the CLI too.

Only `KEY=value` lines whose key has the prefix are used (`export KEY=value` and quoted
values too; `#` starts a comment line); a variable already in the environment wins, so a
secret never has to be typed on a command line. Git ignores `.env`; `.env.example` shows it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def load_env(path: Path = Path(".env"), prefix: str = "NEO4J_") -> list[str]:
    """Set the `prefix` variables of `path` that the environment lacks; the names set."""
    if not path.is_file():
        return []
    added = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _LINE.match(line)
        if not match or line.lstrip().startswith("#") or not match.group(1).startswith(prefix):
            continue
        key, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if key not in os.environ:
            os.environ[key] = value
            added.append(key)
    return added
