"""A dbt project's settings, read without dbt and without trusting their shape.

What naming a relation needs: model paths and folder configs (`dbt_project.yml`), sources (the
YAML files under the model paths), the compiled manifest (`target/manifest.json`), and the
adapter that decides the SQL dialect (`profiles.yml` of the project or of `DBT_PROFILES_DIR`,
else the manifest's `metadata.adapter_type`). Any of these files may be broken — invalid YAML or
JSON, a list where a mapping belongs, a source without `name:` — and then the part that cannot
be read is skipped and reported as a problem naming the file (and key), never an exception.
A project is loaded once per run (`forget_projects` starts a new one), so a long-lived process
sees a renamed source schema on its next run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from lacuna_cli.extract.dbt_columns import read_declared_columns
from lacuna_cli.models import ColumnTags
from lacuna_cli.yamlfile import parse_yaml

# dbt adapter type -> sqlglot dialect (adapters named like their dialect are not listed).
ADAPTER_DIALECTS = {
    "sqlserver": "tsql", "synapse": "tsql", "fabric": "tsql", "azuresql": "tsql",
    "materialize": "postgres", "timescaledb": "postgres", "alloydb": "postgres",
    "glue": "spark", "fal": "postgres", "impala": "hive", "dremio": "dremio",
}
KNOWN_DIALECTS = {
    "athena", "bigquery", "clickhouse", "databricks", "doris", "drill", "duckdb", "hive",
    "materialize", "mysql", "oracle", "postgres", "presto", "redshift", "risingwave",
    "snowflake", "spark", "sqlite", "starrocks", "teradata", "trino", "tsql", "dremio",
}
DEFAULT_PATHS = {"model-paths": ("models",), "macro-paths": ("macros",),
                 "analysis-paths": ("analyses",), "test-paths": ("tests",),
                 "snapshot-paths": ("snapshots",)}
Problem = tuple[str, int | None, str]  # (file relative to the project, line, message)


@dataclass
class DbtProject:
    """What naming a relation needs, and what could not be read."""

    root: Path
    name: str = ""
    paths: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_PATHS))
    folder_configs: dict = field(default_factory=dict)
    sources: dict[tuple[str, str], str] = field(default_factory=dict)
    manifest: dict | None = None
    dialect: str | None = None
    problems: list[Problem] = field(default_factory=list)
    # Columns (with their tags) the properties files declare, by model and by source table.
    model_columns: dict[str, tuple[ColumnTags, ...]] = field(default_factory=dict)
    source_columns: dict[tuple[str, str], tuple[ColumnTags, ...]] = field(default_factory=dict)

    @property
    def model_paths(self) -> tuple[str, ...]:
        return self.paths["model-paths"]

    def role_of(self, relative: str) -> str:
        """`model`, `macro`, `dbt` (analyses, tests, snapshots: Jinja SQL, not built) or
        `other` for a project-relative path."""
        for key, role in (("model-paths", "model"), ("macro-paths", "macro"),
                          ("analysis-paths", "dbt"), ("test-paths", "dbt"),
                          ("snapshot-paths", "dbt")):
            if any(_under(relative, folder) for folder in self.paths[key]):
                return role
        return "other"

    def model_relation(self, name: str, config: dict) -> str:
        """`[database.][schema.]alias`, the way dbt names a model's relation."""
        alias = config.get("alias") if _is_name(config.get("alias")) else name
        parts = [config.get("database"), config.get("schema"), alias]
        return ".".join(str(p) for p in parts if _is_name(p))

    def model_files(self) -> Iterator[Path]:
        for model_path in self.model_paths:
            base = _inside(self.root, model_path)
            if base is not None:
                yield from sorted(base.rglob("*.sql"))

    @cached_property
    def models_by_name(self) -> dict[str, Path]:
        """Model name -> its file (the first one found, as dbt would refuse duplicates)."""
        found: dict[str, Path] = {}
        for model in self.model_files():
            found.setdefault(model.stem, model)
        return found


def project_of(path: Path, root: Path) -> DbtProject | None:
    """The dbt project a `.sql` file belongs to, if any (searched up to the project root)."""
    folder = project_folder(path, root)
    return load_project(folder) if folder is not None else None


def project_folder(path: Path, root: Path) -> Path | None:
    """The folder of the `dbt_project.yml` above a file, up to the project root."""
    folder = path.resolve().parent if path.is_symlink() else _resolved(path.parent)
    return _project_folder_of(folder, _resolved(root))


@lru_cache(maxsize=4096)
def _resolved(folder: Path) -> Path:
    """A folder resolved once per run (`forget_projects`): most files are not links, and
    resolving each one's path again cost more than the lookup."""
    return folder.resolve()


@lru_cache(maxsize=4096)
def _project_folder_of(folder: Path, root: Path) -> Path | None:
    """Looked up once per folder and run (`forget_projects`), not once per file: every file of
    a 2,000-file project asked the file system again for the same few folders."""
    if (folder / "dbt_project.yml").is_file():
        return folder
    if folder == root or folder == folder.parent:
        return None
    return _project_folder_of(folder.parent, root)


def project_inputs_key(path: Path, root: Path, digests: dict[Path, str]) -> str:
    """For the extraction cache: the digest of the inputs of the dbt project a `.sql` file
    belongs to ("" for other files); `digests` remembers each project's for one run."""
    if path.suffix.lower() != ".sql":
        return ""
    folder = project_folder(path, root)
    if folder is None:
        return ""
    if folder not in digests:
        digests[folder] = inputs_digest(folder)
    return digests[folder]


def load_project(folder: Path) -> DbtProject:
    """The project in `folder`, read once per run."""
    return _load_project(folder.resolve())


@lru_cache(maxsize=8)
def _load_project(folder: Path) -> DbtProject:
    project = DbtProject(folder)
    settings = _settings(folder, project.problems)
    project.name = str(settings.get("name") or "")
    for key in DEFAULT_PATHS:
        project.paths[key] = _paths(settings, key, project.problems)
    models = _mapping(settings.get("models"), "dbt_project.yml", "models", project.problems)
    project.folder_configs = _mapping(models.get(project.name), "dbt_project.yml",
                                      f"models.{project.name}", project.problems)
    for yml in _yaml_files(folder, project.model_paths):
        relative = yml.relative_to(folder).as_posix()
        document = _yaml(yml, relative, project.problems)
        _read_sources(document, relative, project)
        models, sources = read_declared_columns(document, relative, project.problems)
        project.model_columns.update(models)
        project.source_columns.update(sources)
    project.manifest = _manifest(folder, project.problems)
    project.dialect = _adapter_dialect(folder, settings, project)
    return project


def forget_projects() -> None:
    """Start a new run: projects are read again, with whatever changed in their files."""
    _load_project.cache_clear()
    _project_folder_of.cache_clear()
    _resolved.cache_clear()


def input_files(folder: Path) -> list[Path]:
    """The files a project's analysis depends on besides the model itself."""
    files = [folder / "dbt_project.yml", folder / "target" / "manifest.json",
             *(Path(d) / "profiles.yml" for d in _profile_dirs(folder))]
    files += _yaml_files(folder, _paths(_settings(folder, []), "model-paths", []))
    return [f for f in files if f.is_file()]


def _yaml_files(folder: Path, model_paths: tuple[str, ...]) -> list[Path]:
    """The YAML files under the model paths (sources and model properties live there)."""
    found: list[Path] = []
    for model_path in model_paths:
        base = _inside(folder, model_path)
        if base is not None:
            found += sorted(p for suffix in ("*.yml", "*.yaml") for p in base.rglob(suffix))
    return found


def inputs_digest(folder: Path) -> str:
    """A digest of the project's input files' bytes and of every model's `config()` call, for
    the extraction cache: a renamed source schema or a referenced model's new alias changes
    the relations a model reads."""
    from lacuna_cli.extract.dbt import config_text

    folder = folder.resolve()
    digest = hashlib.sha256()
    for file in input_files(folder):
        digest.update(str(file.relative_to(folder)).encode() + b"\0")
        digest.update(_read_bytes(file) + b"\0")
    for model in load_project(folder).model_files():
        digest.update(f"{model.relative_to(folder)}\0{config_text(model)}\0".encode())
    return digest.hexdigest()


def _settings(folder: Path, problems: list[Problem]) -> dict:
    document = _yaml(folder / "dbt_project.yml", "dbt_project.yml", problems)
    return _mapping(document, "dbt_project.yml", None, problems)


def _paths(settings: dict, key: str, problems: list[Problem]) -> tuple[str, ...]:
    value = settings.get(key)
    if key == "model-paths" and value is None:
        value = settings.get("source-paths")  # the name before dbt 1.0
    if value is None:
        return DEFAULT_PATHS[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(("dbt_project.yml", None, f"`{key}` must be a list of folder names"))
        return DEFAULT_PATHS[key]
    return tuple(value)


def _read_sources(document: Any, relative: str, project: DbtProject) -> None:
    if not isinstance(document, dict) or document.get("sources") is None:
        return
    sources = document["sources"]
    if not isinstance(sources, list):
        project.problems.append((relative, None, "`sources` must be a list"))
        return
    for number, source in enumerate(sources, start=1):
        where = f"sources[{number}]"
        if not isinstance(source, dict) or not _is_name(source.get("name")):
            project.problems.append((relative, None, f"{where} has no `name:`; skipped"))
            continue
        schema = source.get("schema") or source["name"]
        tables = source.get("tables") or []
        if not isinstance(tables, list):
            project.problems.append((relative, None, f"{where}.tables must be a list"))
            continue
        for index, table in enumerate(tables, start=1):
            if not isinstance(table, dict) or not _is_name(table.get("name")):
                project.problems.append(
                    (relative, None, f"{where}.tables[{index}] has no `name:`; skipped"))
                continue
            identifier = table.get("identifier")
            parts = [source.get("database"), schema,
                     identifier if _is_name(identifier) else table["name"]]
            project.sources[(str(source["name"]), str(table["name"]))] = ".".join(
                str(p) for p in parts if p is not None and not isinstance(p, dict | list))


def _manifest(folder: Path, problems: list[Problem]) -> dict | None:
    path = folder / "target" / "manifest.json"
    if not path.is_file():
        return None
    relative = "target/manifest.json"
    try:
        document = json.loads(_read_bytes(path))
    except (ValueError, RecursionError) as exc:
        problems.append((relative, None, f"invalid JSON ({_first_line(exc)}); not used"))
        return None
    if not isinstance(document, dict):
        problems.append((relative, None, "not a JSON object; not used"))
        return None
    for key in ("nodes", "sources"):
        if not isinstance(document.get(key, {}), dict):
            problems.append((relative, None, f"`{key}` is not an object; not used"))
            document[key] = {}
    return document


def _adapter_dialect(folder: Path, settings: dict, project: DbtProject) -> str | None:
    """The sqlglot dialect of the adapter of the project's profile, target by target."""
    profile = settings.get("profile")
    for directory in _profile_dirs(folder):
        path = Path(directory) / "profiles.yml"
        if not path.is_file() or not _is_name(profile):
            continue
        relative = "profiles.yml" if Path(directory) == folder else str(path)
        document = _mapping(_yaml(path, relative, project.problems), relative, None,
                            project.problems)
        entry = document.get(str(profile))
        if isinstance(entry, dict) and isinstance(entry.get("outputs"), dict):
            outputs = entry["outputs"]
            target = outputs.get(entry.get("target")) if _is_name(entry.get("target")) else None
            target = target if isinstance(target, dict) else next(
                (o for o in outputs.values() if isinstance(o, dict)), {})
            if _is_name(target.get("type")):
                return dialect_of_adapter(str(target["type"]))
    metadata = (project.manifest or {}).get("metadata")
    if isinstance(metadata, dict) and _is_name(metadata.get("adapter_type")):
        return dialect_of_adapter(str(metadata["adapter_type"]))
    return None


def dialect_of_adapter(adapter: str) -> str | None:
    """The sqlglot dialect of a dbt adapter type; None when sqlglot has none of that name."""
    name = adapter.lower()
    dialect = ADAPTER_DIALECTS.get(name, name)
    return dialect if dialect in KNOWN_DIALECTS else None


def _profile_dirs(folder: Path) -> list[str]:
    configured = os.environ.get("DBT_PROFILES_DIR")
    return [str(folder), *([configured] if configured else [])]


def _yaml(path: Path, relative: str, problems: list[Problem]) -> Any:
    """A YAML document, or None with a problem naming the file and line."""
    try:
        return parse_yaml(_read_bytes(path).decode("utf-8-sig"))
    except UnicodeDecodeError:
        problems.append((relative, None, "not valid UTF-8; not used"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        problems.append((relative, mark.line + 1 if mark else None,
                         f"invalid YAML: {problem}; not used"))
    except (RecursionError, ValueError, TypeError) as exc:
        problems.append((relative, None, f"cannot be read ({_first_line(exc)}); not used"))
    return None


def _mapping(value: Any, relative: str, key: str | None, problems: list[Problem]) -> dict:
    """`value` when it is a mapping; {} otherwise (a problem unless it is absent)."""
    if isinstance(value, dict):
        return value
    if value is not None:
        where = f"`{key}`" if key else "the document"
        problems.append((relative, None, f"{where} must be a mapping; ignored"))
    return {}


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _inside(folder: Path, relative: str) -> Path | None:
    """`folder / relative`, or None when `relative` leads out of the project."""
    candidate = (folder / relative).resolve()
    return candidate if candidate.is_relative_to(folder.resolve()) else None


def _under(relative: str, folder: str) -> bool:
    return relative.startswith(folder.strip("/") + "/")


def _is_name(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool) and str(value) != ""


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:120]
