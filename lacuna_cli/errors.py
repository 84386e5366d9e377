"""Errors that end a command with one clear line and a defined exit code.

Anything a user can cause (bad flag, bad config, unloadable policy, locked database) is raised
as a `LacunaError`; the CLI prints `lacuna: <message>` and exits with its code — never a traceback.
"""

from __future__ import annotations

import sys

from lacuna_cli.redact import redact

EXIT_CLEAN = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


class LacunaError(Exception):
    """A usage or tool error: exit code 2 and a one-line message."""

    exit_code = EXIT_ERROR


class ConfigError(LacunaError):
    """The project configuration or a rules file is invalid."""


class PolicyLoadError(LacunaError):
    """Policies could not be loaded or evaluated: the check fails closed."""


class StoreError(LacunaError):
    """The DuckDB file could not be opened or written."""


def warn(message: str) -> None:
    """One `lacuna: warning:` line on stderr, secrets masked: something was ignored or is off,
    and the run goes on."""
    print(f"lacuna: warning: {redact(message)}", file=sys.stderr)
