"""YAML parsing for rules, examples, exceptions, overrides, policy metadata and dbt files.

PyYAML's pure-Python loader spent more time on the shipped rules than a whole warm check spends
deciding; libyaml's C loader, when PyYAML was built with it, reads the same documents with the
same safe types and errors about ten times faster.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """The document in `text` (safe types only); yaml.YAMLError when it is not valid YAML."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
