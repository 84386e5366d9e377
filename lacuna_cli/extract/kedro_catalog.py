"""Kedro's data catalog: the named datasets a Kedro pipeline's nodes read and write, and where
each one lives (`conf/<env>/catalog.yml`, `catalog_*.yml`, `catalog/**.yml`).

A node is `node(func, inputs="customers", outputs="partner_export")`: the names are the
catalog's, so what a pipeline moves is only known with the catalog beside it. Environments
other than `base` (`local`, `prod`) override `base` entry by entry. A name the catalog does not
hold is a dataset kept in memory between nodes. A file that cannot be read, or an entry that
names no place, is a problem naming the file (and entry): that dataset's place is then unknown,
never silently nothing. Kedro's conventions are the tables below.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from lacuna_cli.extract.project_files import digest_of, relative
from lacuna_cli.yamlfile import parse_yaml

CONF = "conf"
BASE_ENVIRONMENT = "base"  # read first; every other environment overrides its entries
WATCHED = (BASE_ENVIRONMENT, "local")  # environments whose catalog may appear later
CATALOG_PATTERNS = ("catalog.yml", "catalog.yaml", "catalog_*.yml", "catalog_*.yaml",
                    "catalog/**/*.yml", "catalog/**/*.yaml", "**/catalog*.yml")
# Keys of an entry naming where its data lives, and the kind of place each names.
PLACE_KEYS: tuple[tuple[str, Literal["file", "table", "url"]], ...] = (
    ("filepath", "file"), ("path", "file"), ("filename", "file"), ("table_name", "table"),
    ("url", "url"))
QUERY_KEYS = ("sql",)  # an entry read by running this query (`pandas.SQLQueryDataset`)
IN_MEMORY_TYPES = frozenset({"MemoryDataset", "MemoryDataSet", "kedro.io.MemoryDataset",
                             "CachedDataset", "kedro.io.CachedDataset"})


@dataclass(frozen=True)
class Dataset:
    """One catalog entry: its place as written (a path, a table, a URL), or the query it
    runs; `defined_in` the file it comes from. An entry that names neither has no place."""

    name: str
    defined_in: str
    place: str | None = None
    kind: Literal["file", "table", "url"] = "file"
    query: str | None = None


@dataclass
class KedroCatalog:
    """The datasets of one Kedro project, the catalog files its reading depends on (relpath,
    digest; "" for a usual file not written yet), and the problems met (relpath, message)."""

    datasets: dict[str, Dataset] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


_CATALOGS: dict[tuple[str, tuple[tuple[str, str], ...]], KedroCatalog] = {}


def kedro_catalog(root: Path, script: Path) -> KedroCatalog | None:
    """The catalog of the Kedro project `script` belongs to: the nearest folder above it (up
    to the project root) with a `conf/` holding catalog files; None when there is none."""
    folder = script.parent
    while True:
        files = list(_catalog_files(folder / CONF))
        if files:
            break
        if folder == root or folder == folder.parent or not folder.is_relative_to(root):
            return None
        folder = folder.parent
    stamped = tuple((str(p), digest_of(p) or "") for p in files)
    key = (str(folder), stamped)
    if key not in _CATALOGS:
        _CATALOGS[key] = _read(root, files)
        # the files read, and the usual ones not written yet: creating one changes the catalog
        watched = {*files, *(folder / CONF / env / "catalog.yml" for env in WATCHED)}
        _CATALOGS[key].files = sorted((relative(p, root), digest_of(p) or "") for p in watched)
    return _CATALOGS[key]


def _catalog_files(conf: Path) -> Iterator[Path]:
    """The catalog files of every environment, `base` first."""
    if not conf.is_dir():
        return
    environments = sorted((p for p in conf.iterdir() if p.is_dir()),
                          key=lambda p: (p.name != BASE_ENVIRONMENT, p.name))
    for environment in environments:
        seen: set[Path] = set()
        for pattern in CATALOG_PATTERNS:
            for path in sorted(environment.glob(pattern)):
                if path.is_file() and path not in seen:
                    seen.add(path)
                    yield path


def _read(root: Path, files: list[Path]) -> KedroCatalog:
    catalog = KedroCatalog()
    for path in files:
        shown = relative(path, root)
        try:
            document = parse_yaml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            catalog.problems.append((shown, f"cannot read the Kedro catalog: {reason}"))
            continue
        if document is None:
            continue
        if not isinstance(document, dict):
            catalog.problems.append(
                (shown, "a Kedro catalog must be a mapping of dataset names to entries"))
            continue
        for name, entry in document.items():
            if not isinstance(name, str) or name.startswith("_") or "{" in name:
                continue  # YAML anchors kept under `_x`, dataset factories (`"{name}_csv"`)
            dataset = _dataset(name, entry, shown)
            if dataset is None:
                catalog.datasets.pop(name, None)  # an environment making it a memory dataset
                continue
            if dataset.place is None and dataset.query is None:
                keys = ", ".join(k for k, _ in PLACE_KEYS)
                message = (f"`{name}`: the entry names no place ({keys}): what its nodes read "
                           "or write there is not followed")
                catalog.problems.append((shown, message))
            catalog.datasets[name] = dataset
    return catalog


def _dataset(name: str, entry: Any, shown: str) -> Dataset | None:
    """One entry; None for a dataset kept in memory."""
    if not isinstance(entry, dict):
        return Dataset(name, shown)
    kind_name = str(entry.get("type", ""))
    if kind_name in IN_MEMORY_TYPES or kind_name.rsplit(".", 1)[-1] in IN_MEMORY_TYPES:
        return None
    for key in QUERY_KEYS:
        if isinstance(entry.get(key), str):
            return Dataset(name, shown, query=entry[key])
    for key, kind in PLACE_KEYS:
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return Dataset(name, shown, place=value.strip(), kind=kind)
    return Dataset(name, shown)

