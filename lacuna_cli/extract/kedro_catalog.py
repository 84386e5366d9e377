"""Kedro's data catalog: the named datasets a Kedro pipeline's nodes read and write, and where
each one lives (`conf/<env>/catalog.yml`, `catalog_*.yml`, `catalog/**.yml`).

A node is `node(func, inputs="customers", outputs="partner_export")`: the names are the
catalog's, so what a pipeline moves is only known with the catalog beside it. A run uses
`base` with `local` over it; `kedro run --env prod` uses `base` with `prod` over it, so a name
has one place per environment that changes it, and every one of them is where its data may go.
Dataset factories (`"{name}_export": {filepath: "s3://b/{name}.csv"}`) name every dataset their
pattern matches. A name the catalog does not hold is a dataset kept in memory between nodes.
A file that cannot be read, or an entry that names no place, is a problem naming the file (and
entry): that dataset's place is then unknown, never silently nothing. Kedro's conventions are
the tables below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lacuna_cli.extract.project_files import digest_of, relative
from lacuna_cli.errors import ConfigError
from lacuna_cli.yamlfile import read_yaml

CONF = "conf"
BASE_ENVIRONMENT = "base"  # under every environment
DEFAULT_ENVIRONMENT = "local"  # over `base` when a run names none
CATALOG_PATTERNS = ("catalog.yml", "catalog.yaml", "catalog_*.yml", "catalog_*.yaml",
                    "catalog/**/*.yml", "catalog/**/*.yaml", "**/catalog*.yml")
# Keys of an entry naming where its data lives, and the kind of place each names.
PLACE_KEYS: tuple[tuple[str, Literal["file", "table", "url"]], ...] = (
    ("filepath", "file"), ("path", "file"), ("filename", "file"), ("table_name", "table"),
    ("url", "url"))
QUERY_KEYS = ("sql",)  # an entry read by running this query (`pandas.SQLQueryDataset`)
QUERY_TYPES = ("SQLQueryDataset", "GBQQueryDataset")  # whose `filepath` holds their query
TABLE_QUALIFIERS = ("project", "dataset")  # what a `table_name` is in, outermost first
# Dataset types whose tables are a cloud service's, judged as that service's place.
TABLE_SERVICES = {"GBQTableDataset": "bigquery", "SnowparkTableDataset": "snowflake"}
WRAPPED_KEY = "dataset"  # a wrapper's own dataset (`CachedDataset`, `PartitionedDataset`)
IN_MEMORY_TYPES = frozenset({"MemoryDataset", "MemoryDataSet"})
PLACEHOLDER = re.compile(r"\{(\w+)(?::[^}]*)?\}")  # a factory's `{name}` (or `{name:format}`)

Entry = tuple[Any, str]  # (the entry as written, the file it is in)


@dataclass(frozen=True)
class Dataset:
    """One catalog entry: its place as written (a path, a table, a URL), or the query it
    runs (or the file holding it); `defined_in` the file it comes from. An entry that names
    none of them has no place."""

    name: str
    defined_in: str
    place: str | None = None
    kind: Literal["file", "table", "url"] = "file"
    query: str | None = None
    query_file: str | None = None  # a project file holding the query it runs
    service: str | None = None  # the cloud service a table is in (`TABLE_SERVICES`)


@dataclass
class KedroCatalog:
    """The datasets of one Kedro project, each with its entry in every environment that
    changes it (the default run's first); `folder` is the project's, relative to the root,
    where its relative paths start; the catalog files and the `conf/` folder its reading
    depends on (relpath, digest), and the problems met (relpath, message)."""

    folder: str = ""
    environments: dict[str, dict[str, Entry]] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def datasets(self, name: str) -> list[Dataset] | None:
        """Every place `name` has (the default run's first), or None: a dataset kept in
        memory. A name only a namespaced pipeline's entries hold (`eu.partner_export` for a
        node of `pipeline([...], namespace="eu")`) has theirs."""
        found = self._placed(name)
        if not found:
            for namespaced in sorted({n for entries in self.environments.values()
                                      for n in entries if n.endswith(f".{name}")}):
                found += [d for d in self._placed(namespaced) if d not in found]
        return found or None

    def _placed(self, name: str) -> list[Dataset]:
        base = self.environments.get(BASE_ENVIRONMENT, {})
        runs = [DEFAULT_ENVIRONMENT, *sorted(e for e in self.environments
                                             if e not in (BASE_ENVIRONMENT, DEFAULT_ENVIRONMENT))]
        found: list[Dataset] = []
        for environment in runs:
            dataset = _lookup(name, {**base, **self.environments.get(environment, {})})
            if dataset is not None and dataset not in found:
                found.append(dataset)
        return found


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
        catalog = _read(root, folder, files)
        # the files read, and the folder's listing: a catalog file added changes the catalog
        catalog.files = sorted((relative(p, root), digest_of(p) or "")
                               for p in (*files, folder / CONF))
        _CATALOGS[key] = catalog
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


def _read(root: Path, folder: Path, files: list[Path]) -> KedroCatalog:
    shown_folder = relative(folder, root)
    catalog = KedroCatalog(folder="" if shown_folder == "." else shown_folder)
    for path in files:
        shown = relative(path, root)
        environment = path.relative_to(folder / CONF).parts[0]
        try:
            document = read_yaml(path, shown)
        except ConfigError as exc:  # names the file and, when known, the line
            catalog.problems.append((shown, f"cannot read the Kedro catalog: {exc}"))
            continue
        if document is None:
            continue
        if not isinstance(document, dict):
            catalog.problems.append(
                (shown, "a Kedro catalog must be a mapping of dataset names to entries"))
            continue
        entries = catalog.environments.setdefault(environment, {})
        for name, entry in document.items():
            if not isinstance(name, str) or name.startswith("_"):
                continue  # YAML anchors kept under `_x`
            entries[name] = (entry, shown)
            dataset = _dataset(name, entry, shown)
            if dataset is not None and dataset.place is None and dataset.query is None \
                    and dataset.query_file is None:
                keys = ", ".join(k for k, _ in PLACE_KEYS)
                message = (f"`{name}`: the entry names no place ({keys}): what its nodes read "
                           "or write there is not followed")
                catalog.problems.append((shown, message))
    return catalog


def _lookup(name: str, entries: dict[str, Entry]) -> Dataset | None:
    """The dataset `name` is in `entries`: its own entry, else the first factory whose pattern
    it matches, with the pattern's parts filled into the entry. None: kept in memory."""
    if name in entries:
        entry, shown = entries[name]
        return _dataset(name, entry, shown)
    for pattern, (entry, shown) in entries.items():
        if "{" not in pattern:
            continue
        matched = _factory(pattern).fullmatch(name)
        if matched is not None:
            return _dataset(name, _filled(entry, matched.groupdict()), shown)
    return None


def _factory(pattern: str) -> re.Pattern[str]:
    """A dataset factory's name as a pattern: `{name}` matches any part of a name."""
    parts: list[str] = []
    named: set[str] = set()
    end = 0
    for placeholder in PLACEHOLDER.finditer(pattern):
        name = placeholder[1]  # a name met again must match the same text again
        parts += [re.escape(pattern[end:placeholder.start()]),
                  f"(?P={name})" if name in named else f"(?P<{name}>.+?)"]
        named.add(name)
        end = placeholder.end()
    return re.compile("".join([*parts, re.escape(pattern[end:])]))


def _filled(entry: Any, parts: dict[str, str]) -> Any:
    """A factory's entry with `{name}` replaced by the part of the dataset's name it matched."""
    if isinstance(entry, str):
        return PLACEHOLDER.sub(lambda m: parts.get(m[1], m[0]), entry)
    if isinstance(entry, dict):
        return {key: _filled(value, parts) for key, value in entry.items()}
    return entry


def _dataset(name: str, entry: Any, shown: str) -> Dataset | None:
    """One entry; None for a dataset kept in memory."""
    if not isinstance(entry, dict):
        return Dataset(name, shown)
    kind_name = str(entry.get("type", ""))
    if kind_name.rsplit(".", 1)[-1] in IN_MEMORY_TYPES:
        return None
    for key in QUERY_KEYS:
        if isinstance(entry.get(key), str):
            return Dataset(name, shown, query=entry[key])
    if kind_name.endswith(QUERY_TYPES) and isinstance(entry.get("filepath"), str):
        return Dataset(name, shown, query_file=entry["filepath"])  # the query is in a file
    for key, kind in PLACE_KEYS:
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            if kind == "table":  # `GBQTableDataset`: `project`.`dataset`.`table_name`
                value = ".".join([*(entry[k] for k in TABLE_QUALIFIERS
                                    if isinstance(entry.get(k), str)), value])
            return Dataset(name, shown, place=value.strip(), kind=kind,
                           service=TABLE_SERVICES.get(kind_name.rsplit(".", 1)[-1]))
    wrapped = entry.get(WRAPPED_KEY)
    if isinstance(wrapped, dict):  # `CachedDataset`: saved to the dataset it wraps too
        return _dataset(name, wrapped, shown)
    return Dataset(name, shown)
