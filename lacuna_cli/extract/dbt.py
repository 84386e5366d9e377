"""dbt models, analysed without running dbt.

A `.sql` file under a dbt project's model paths is Jinja, not SQL. Its Jinja is rendered just
enough to parse: `ref()`, `source()` and `{{ this }}` become the relations dbt would build
(`[database.][schema.]alias`, from `config()`, `dbt_project.yml` and the sources' YAML),
`is_incremental()` is false (the full-refresh query defines where the data comes from), other
`if` blocks keep their first branch, loops their body once, macros and `set` blocks go, and other
expressions become NULL. Line numbers are kept. When `target/manifest.json` exists, its compiled
SQL and relation names are used instead — they are what dbt really ran.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lacuna_cli.extract.files import table_resource
from lacuna_cli.models import Extraction, Resource
from lacuna_cli.yamlfile import parse_yaml

JINJA = re.compile(r"{#.*?#}|{%-?\s*(.*?)\s*-?%}|{{-?\s*(.*?)\s*-?}}", re.S)
BLOCKS_DROPPED = {"macro", "call", "test", "docs", "materialization"}


@dataclass
class DbtProject:
    """What naming a relation needs: model paths, model configs, sources, and the manifest."""

    root: Path
    name: str
    model_paths: tuple[str, ...]
    folder_configs: dict = field(default_factory=dict)
    sources: dict[tuple[str, str], str] = field(default_factory=dict)
    manifest: dict | None = None

    def model_relation(self, name: str, config: dict) -> str:
        """`[database.][schema.]alias`, the way dbt names a model's relation."""
        parts = [config.get("database"), config.get("schema"), config.get("alias") or name]
        return ".".join(str(p) for p in parts if p)


def project_of(path: Path, root: Path) -> DbtProject | None:
    """The dbt project a `.sql` file is a model of, if any (searched up to the project root)."""
    resolved = path.resolve()
    for folder in resolved.parents:
        if (folder / "dbt_project.yml").is_file():
            project = load_project(folder)
            relative = resolved.relative_to(folder).as_posix()
            if any(relative.startswith(p.rstrip("/") + "/") for p in project.model_paths):
                return project
            return None
        if folder == root.resolve() or folder == folder.parent:
            return None
    return None


@lru_cache(maxsize=8)
def load_project(folder: Path) -> DbtProject:
    settings = parse_yaml((folder / "dbt_project.yml").read_text()) or {}
    paths = settings.get("model-paths") or settings.get("source-paths") or ["models"]
    name = str(settings.get("name", ""))
    models = (settings.get("models") or {}).get(name) or {}
    project = DbtProject(folder, name, tuple(paths), models)
    for model_path in paths:
        for yml in sorted((folder / model_path).rglob("*.yml")):
            _read_sources(parse_yaml(yml.read_text()) or {}, project)
    manifest = folder / "target" / "manifest.json"
    if manifest.is_file():
        project.manifest = json.loads(manifest.read_text())
    return project


def _read_sources(document: dict, project: DbtProject) -> None:
    for source in document.get("sources") or []:
        schema = source.get("schema") or source["name"]
        for table in source.get("tables") or []:
            parts = [source.get("database"), schema, table.get("identifier") or table["name"]]
            project.sources[(source["name"], table["name"])] = ".".join(
                str(p) for p in parts if p)


def extract_dbt_model(text: str, path: Path, relpath: str, project: DbtProject,
                      dialect: str | None) -> Extraction:
    """Operations and lineage of one model: its SELECT builds the model's relation."""
    from lacuna_cli.extract.sql import extract_sql

    relative = path.resolve().relative_to(project.root).as_posix()
    node = _manifest_node(project, relative)
    compiled = node and (node.get("compiled_code") or node.get("compiled_sql"))
    if node and compiled:
        return extract_sql(compiled, relpath, dialect, into=_relation_of(node))
    model = path.stem
    rendered, config = render(text, project, model)
    name = _relation_of(node).name if node else project.model_relation(
        model, {**_folder_config(project, relative), **config})
    return extract_sql(rendered, relpath, dialect, into=table_resource(name))


def render(text: str, project: DbtProject, model: str) -> tuple[str, dict]:
    """The model's SQL with its Jinja resolved, and the settings of its `config()` call."""
    renderer = _Renderer(project, model)
    return renderer.render(text), renderer.config


class _Renderer:
    """A small Jinja subset: enough for dbt models, never executing anything."""

    def __init__(self, project: DbtProject, model: str) -> None:
        self.project = project
        self.model = model
        self.config: dict = {}
        self.keeping: list[list[bool]] = []  # per open block: [keep this branch, kept one]

    def render(self, text: str) -> str:
        out: list[str] = []
        position = 0
        for match in JINJA.finditer(text):
            self._emit(out, text[position:match.start()])
            position = match.end()
            tag, expression = match.group(1), match.group(2)
            if tag is not None:
                self._tag(tag.strip())
            replacement = self._expression(expression) if expression is not None and all(
                keep for keep, _ in self.keeping) else ""
            out.append(replacement + "\n" * match.group(0).count("\n"))
        self._emit(out, text[position:])
        return "".join(out)

    def _emit(self, out: list[str], text: str) -> None:
        out.append(text if all(keep for keep, _ in self.keeping) else "\n" * text.count("\n"))

    def _tag(self, tag: str) -> None:
        word = tag.split(None, 1)[0] if tag else ""
        if word == "if":
            keep = "is_incremental()" not in tag
            self.keeping.append([keep, keep])
        elif word in ("elif", "else") and self.keeping:
            frame = self.keeping[-1]
            frame[0] = not frame[1] and (word == "else" or "is_incremental()" not in tag)
            frame[1] = frame[1] or frame[0]
        elif word in ("for", "snapshot", "filter"):
            self.keeping.append([True, True])
        elif word in BLOCKS_DROPPED or word == "set" and "=" not in tag:
            self.keeping.append([False, False])
        elif word.startswith("end") and self.keeping:
            self.keeping.pop()

    def _expression(self, expression: str) -> str:
        if expression.strip() == "this":
            return self.project.model_relation(self.model, self.config)
        try:
            call = ast.parse(expression.strip(), mode="eval").body
        except SyntaxError:
            return "NULL"
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            return "NULL"
        args, kwargs = _arguments(call)
        function = call.func.id
        if function == "ref" and args:
            return self._ref(str(args[-1]))
        if function == "source" and len(args) == 2:
            return self._source(str(args[0]), str(args[1]))
        if function == "config":
            self.config.update(kwargs)
            return ""
        if function == "var":
            return str(args[1]) if len(args) > 1 else "NULL"
        return "NULL"

    def _ref(self, model: str) -> str:
        node = _manifest_model(self.project, model)
        return _relation_of(node).name if node else self.project.model_relation(
            model, _model_config(self.project, model))

    def _source(self, source: str, table: str) -> str:
        manifest = self.project.manifest or {}
        for node in manifest.get("sources", {}).values():
            if node.get("source_name") == source and node.get("name") == table:
                return _relation_of(node).name
        return self.project.sources.get((source, table), f"{source}.{table}")


def _arguments(call: ast.Call) -> tuple[list[object], dict[str, object]]:
    """Literal positional and keyword arguments of a Jinja call (others become None)."""
    return [_literal(a) for a in call.args], {
        k.arg: _literal(k.value) for k in call.keywords if k.arg}


def _config_of(text: str) -> dict:
    """The settings of a model file's `{{ config(...) }}` call, without rendering the rest."""
    config: dict = {}
    for match in JINJA.finditer(text):
        expression = (match.group(2) or "").strip()
        if expression.startswith("config("):
            try:
                call = ast.parse(expression, mode="eval").body
            except SyntaxError:
                continue
            if isinstance(call, ast.Call):
                config.update(_arguments(call)[1])
    return config


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _relation_of(node: dict) -> Resource:
    relation = node.get("relation_name") or ".".join(
        str(p) for p in (node.get("database"), node.get("schema"),
                         node.get("alias") or node.get("name")) if p)
    return table_resource(relation.replace('"', "").replace("`", ""))


def _manifest_node(project: DbtProject, relative: str) -> dict | None:
    for node in (project.manifest or {}).get("nodes", {}).values():
        if node.get("original_file_path") == relative and node.get("resource_type") == "model":
            return node
    return None


def _manifest_model(project: DbtProject, model: str) -> dict | None:
    for node in (project.manifest or {}).get("nodes", {}).values():
        if node.get("resource_type") == "model" and node.get("name") == model:
            return node
    return None


def _model_config(project: DbtProject, model: str) -> dict:
    """A referenced model's naming config, read from its own file's `config()`."""
    for model_path in project.model_paths:
        for candidate in (project.root / model_path).rglob(f"{model}.sql"):
            relative = candidate.relative_to(project.root).as_posix()
            return {**_folder_config(project, relative), **_config_of(candidate.read_text())}
    return {}


def _folder_config(project: DbtProject, relative: str) -> dict:
    """`+schema` / `+database` / `+alias` set in dbt_project.yml for the model's folders."""
    config: dict = {}
    level = project.folder_configs
    folders = relative.split("/")[1:-1]
    for depth in range(len(folders) + 1):
        for key in ("schema", "database", "alias", "materialized"):
            for spelled in (f"+{key}", key):
                if isinstance(level.get(spelled), str):
                    config[key] = level[spelled]
        if depth < len(folders):
            level = level.get(folders[depth]) or {}
            if not isinstance(level, dict):
                break
    return config
