"""The environment benches start Lacuna in: that of an installed Lacuna, bytecode caching
allowed.

pip compiles what it installs, and Python compiles a checkout run in place on its first import,
unless PYTHONDONTWRITEBYTECODE is set (as on some CI machines and sandboxes): then every process
compiles Lacuna's hundred-odd modules again, measured at 0.13 s of the 0.94 s CPU of a one-file
check. The benches measure Lacuna as users run it, so they leave the variable out.
"""

from __future__ import annotations

import os


def installed_environment(**settings: str) -> dict[str, str]:
    """This process's environment without PYTHONDONTWRITEBYTECODE, with `settings` added."""
    environment = {name: value for name, value in os.environ.items()
                   if name != "PYTHONDONTWRITEBYTECODE"}
    environment.update(settings)
    return environment
