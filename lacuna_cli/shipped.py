"""Where the shipped `rules/` and `policies/` folders are, installed or in a checkout.

A wheel carries them inside the package (`lacuna_cli/_shipped/`); an editable install or a
source checkout reads them from the repository's top level.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing's own costs the hook client 11 ms; mypy reads this name alike
if TYPE_CHECKING:
    from pathlib import Path

# Paths as text here: the hook client imports this module and nothing heavier (not pathlib).
PACKAGE_FOLDER = os.path.dirname(os.path.realpath(__file__))


def shipped_folder(name: str) -> str:
    """The shipped `rules` or `policies` folder."""
    installed = os.path.join(PACKAGE_FOLDER, "_shipped", name)
    return installed if os.path.isdir(installed) else \
        os.path.join(os.path.dirname(PACKAGE_FOLDER), name)


def shipped_dir(name: str) -> Path:
    """`shipped_folder` as a Path, for everything but the hook client."""
    from pathlib import Path

    return Path(shipped_folder(name))
