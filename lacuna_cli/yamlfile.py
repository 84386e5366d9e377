"""YAML parsing for rules, examples, exceptions, overrides, policy metadata and dbt files.

PyYAML's pure-Python loader spent more time on the shipped rules than a whole warm check spends
deciding; libyaml's C loader, when PyYAML was built with it, reads the same documents with the
same safe types and errors about ten times faster.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from lacuna_cli.errors import ConfigError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """The document in `text` (safe types only); yaml.YAMLError when it is not valid YAML."""
    return yaml.load(text, Loader=_LOADER)


def read_yaml(path: Path, shown_as: str | None = None) -> Any:
    """The YAML document in a file; an unreadable file, bytes that are not UTF-8, invalid or
    too deeply nested YAML are each one ConfigError line naming the file (and the line, when
    the parser knows it)."""
    name = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: not valid UTF-8 (byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read: {exc.strerror}") from exc
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise ConfigError(f"{name}{line}: invalid YAML: {problem}") from exc
    except RecursionError as exc:
        raise ConfigError(f"{name}: invalid YAML: nested too deeply") from exc
