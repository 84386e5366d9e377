"""Where the shipped `rules/` and `policies/` folders are, installed or in a checkout.

A wheel carries them inside the package (`lacuna_cli/_shipped/`); an editable install or a
source checkout reads them from the repository's top level.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """The shipped `rules` or `policies` folder."""
    installed = PACKAGE_DIR / "_shipped" / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name
