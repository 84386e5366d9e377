"""Folders of a project that its code imports its own packages from, besides the importer's
folder, the project root and `src/`.

Monorepos keep packages under `packages/<name>/src/`, `libs/`, Airflow's `plugins/` (which
Airflow puts on the path), or any folder a deployment adds to `PYTHONPATH`. An import Lacuna
cannot resolve is a library the catalog does not know, whose calls handed data are reported as
sends to a place it cannot tell; resolving the project's own packages wherever they sit keeps
those for real third-party code, and lets their functions be summarised.
"""

from __future__ import annotations

import os
from pathlib import Path

from lacuna_cli.extract.places import SKIP_DIRS

# Folders whose modules are importable by name (Airflow adds `dags/` and `plugins/` to the path).
PATH_FOLDERS = frozenset({"plugins", "dags", "src", "lib", "libs", "python"})
# Top-level name -> folders it can be imported from, per project root and run.
_ROOTS: dict[str, dict[str, tuple[Path, ...]]] = {}


def forget_import_roots() -> None:
    """Start a new run: packages may have been added or moved since."""
    _ROOTS.clear()


def import_bases(name: str, root: Path, near: Path) -> tuple[Path, ...]:
    """The folders `import name` may load a package or module of the project from, nearest to
    the importer's folder `near` first."""
    key = str(root)
    if key not in _ROOTS:
        _ROOTS[key] = _index(root)
    found = _ROOTS[key].get(name, ())
    return tuple(sorted(found, key=lambda base: (-_shared(base, near), str(base))))


def _index(root: Path) -> dict[str, tuple[Path, ...]]:
    """Top-level packages anywhere in the project (a folder with `__init__.py` whose parent
    has none), and the modules and packages directly in path folders (`plugins/`, `libs/`)."""
    found: dict[str, list[Path]] = {}
    packages: set[Path] = set()  # folders holding `__init__.py` (a parent is walked first)
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        here = Path(folder)
        package = "__init__.py" in filenames
        if package:
            packages.add(here)
        if package and here.parent not in packages and here != root:
            found.setdefault(here.name, []).append(here.parent)
        if here.name in PATH_FOLDERS and not package:
            for name in filenames:
                if name.endswith(".py") and name != "__init__.py":
                    found.setdefault(name[:-3], []).append(here)
    return {name: tuple(dict.fromkeys(bases)) for name, bases in found.items()}


def _shared(base: Path, near: Path) -> int:
    """How many leading folders `base` and `near` have in common."""
    count = 0
    for mine, theirs in zip(base.parts, near.parts, strict=False):
        if mine != theirs:
            break
        count += 1
    return count
