"""One catalog file into the stores: read it, map its labels, replace what the same file said
before in the local store (and, when asked, in the central one). `lacuna catalog import` is
this per file, plus what it prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lacuna_cli.catalog_import.format_names import CatalogFormat
from lacuna_cli.catalog_import.formats import read
from lacuna_cli.catalog_import.mapping import Mapped, Mapping, classify

if TYPE_CHECKING:
    from lacuna_cli.central.push import LineagePush
    from lacuna_cli.config import Config


@dataclass(frozen=True)
class Imported:
    """What one file gave: its format, how many tagged tables and columns it held, and the
    classified resources (with the labels no mapping entry knows)."""

    found: CatalogFormat
    tagged: int
    mapped: Mapped


def import_file(path: Path, source: str, chosen: CatalogFormat | None, meanings: Mapping,
                db_path: Path) -> Imported:
    """Read, map and store one file under the name `source` (a ConfigError names the file and
    its line or key when it cannot be read; the store is then untouched)."""
    from lacuna_cli.audit.log import utc_now
    from lacuna_cli.store import known as known_store
    from lacuna_cli.store import open_store

    found, tagged = read(path, chosen)
    mapped = classify(tagged, meanings, source)
    with open_store(db_path, write=True) as connection:
        known_store.replace_catalog(connection, source, mapped.known, utc_now())
    return Imported(found, len(tagged), mapped)


def push_imported(config: Config, url: str, repo: str | None, source: str,
                  mapped: Mapped) -> tuple[str, LineagePush]:
    """The file's classifications pushed to the central store under `repo` (default: this
    repository's name); the name used and the push's result."""
    from lacuna_cli.central.push import push
    from lacuna_cli.central.snapshot import catalog_snapshot
    from lacuna_cli.gitinfo import identify

    identity = identify(config.root, config.settings.user)
    name = repo or identity.repo
    return name, push(url, name, catalog_snapshot(source, mapped.known), identity.commit)
