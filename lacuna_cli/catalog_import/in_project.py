"""The dbt projects inside the repository are a catalog too: every check reads the `meta` and
`tags` of their properties files (`schema.yml` under the model paths) and compiled
`target/manifest.json` as layer `catalog`, as `lacuna catalog import` would. A file that cannot
be read is skipped here: the dbt extraction reports it (naming file and key) on every model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lacuna_cli.catalog_import import dbt, mapping
from lacuna_cli.catalog_import.formats import CatalogFormat, read
from lacuna_cli.catalog_import.tagged import Tagged
from lacuna_cli.errors import ConfigError
from lacuna_cli.extract.dbt_project import input_files, load_project, project_folder

if TYPE_CHECKING:
    import networkx as nx

    from lacuna_cli.classify.known import Known

NOT_PROPERTIES = ("dbt_project.yml", "profiles.yml")


def dbt_folders(graph: nx.MultiDiGraph, root: Path) -> set[Path]:
    """The dbt projects the graph's SQL files belong to."""
    paths = {edge.location.path for _, _, edge in graph.edges(data="edge")
             if edge.location.path.endswith(".sql")}
    return {folder for folder in (project_folder(root / path, root) for path in paths)
            if folder is not None}


def _tagged(folder: Path, path: Path) -> list[Tagged]:
    """A properties file's tags, or the manifest's as the dbt extraction already parsed it."""
    if path.suffix == ".json":
        manifest = load_project(folder).manifest
        return dbt.read_manifest(manifest, path) if manifest else []
    return read(path, CatalogFormat.dbt_schema)[1]


def project_known(graph: nx.MultiDiGraph, root: Path) -> list[Known]:
    """What the repository's own dbt projects say about their models and sources."""
    folders = dbt_folders(graph, root)
    if not folders:
        return []
    meanings = mapping.load()
    known: list[Known] = []
    for folder in sorted(folders):
        for path in input_files(folder):
            if path.name in NOT_PROPERTIES:
                continue
            try:
                tagged = _tagged(folder, path)
            except ConfigError:
                continue
            shown = path.relative_to(root).as_posix()
            known.extend(mapping.classify(tagged, meanings, shown).known)
    return known
