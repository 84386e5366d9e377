"""dbt models, analysed without running dbt.

A `.sql` file under a dbt project's model paths is Jinja, not SQL. Its Jinja is rendered just
enough to parse (sql_jinja): `ref()`, `source()` and `{{ this }}` become the relations dbt would
build (`[database.][schema.]alias`, from `config()`, `dbt_project.yml` and the sources' YAML),
`is_incremental()` is false (the full-refresh query defines where the data comes from), `var()`
takes its default, `config()` is read; any other expression stays a template hole (sql_holes).
Line numbers are kept. When `target/manifest.json` has a model's compiled SQL, that SQL and
the manifest's relation names are used instead — they are what dbt really ran.

Files under the macro paths are macros, not models: they build nothing and are not analysed.
Analyses, tests and snapshots are rendered the same way and read as queries; other SQL in the
project folder is read as plain SQL. The adapter of the project's profile decides the dialect
of all of them. What could not be read in the project's own files is reported with every file
of the project (the run shows it once).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from lacuna_cli.extract.dbt_hooks import (
    HOOK_KEYS, Hook, block_hooks, configured_hooks, hook_texts, parse_expression)
from lacuna_cli.extract.dbt_project import DbtProject, load_project, project_of
from lacuna_cli.extract.declared_tables import with_tables
from lacuna_cli.extract.places import normalise_location, table_resource
from lacuna_cli.extract.sql_jinja import JINJA, render_jinja
from lacuna_cli.models import Extraction, FileProblem, Resource

__all__ = ["config_text", "extract_dbt_model", "load_project", "project_of", "render"]

NAMING_KEYS = ("schema", "database", "alias", "materialized")
LITERAL_ERRORS = (ValueError, TypeError, SyntaxError, RecursionError, MemoryError)


def extract_dbt_model(text: str, path: Path, relpath: str, project: DbtProject,
                      dialect: str | None) -> Extraction:
    """Operations and lineage of one file of a dbt project: a model's SELECT builds the
    model's relation; macros build nothing; other dbt SQL is read as queries."""
    from lacuna_cli.extract.sql import extract_sql

    relative = path.resolve().relative_to(project.root).as_posix()
    role = project.role_of(relative)
    dialect = project.dialect or dialect
    if role == "other":  # e.g. target/run: SQL dbt wrote, or scripts beside the project
        extraction = extract_sql(text, relpath, dialect)
    elif role == "macro":
        extraction = Extraction(path=relpath, language="sql")
    elif role == "dbt":
        extraction = extract_sql(render(text, project, path.stem)[0], relpath, dialect)
    else:
        extraction = _model(text, path.stem, relative, relpath, project, dialect)
    prefix = relpath[: len(relpath) - len(relative)] if relpath.endswith(relative) else ""
    problems = tuple(FileProblem(path=file if Path(file).is_absolute() else prefix + file,
                               line=line, message=message)
                     for file, line, message in project.problems)
    return extraction.model_copy(update={"errors": (*problems, *extraction.errors)})


def _model(text: str, model: str, relative: str, relpath: str, project: DbtProject,
           dialect: str | None) -> Extraction:
    from lacuna_cli.extract.sql import extract_sql

    node = _manifest_node(project, relative)
    if node is not None:
        compiled = node.get("compiled_code") or node.get("compiled_sql")
        if isinstance(compiled, str) and compiled.strip():
            relation = _relation_of(node)
            return with_declared_columns(extract_sql(compiled, relpath, dialect, into=relation),
                                         project, model, relation.name)
    expressions = _Expressions(project, model, _folder_config(project, relative))
    rendered = expressions.render(text)
    name = _relation_of(node).name if node is not None else expressions.relation()
    hooks = [*(Hook(1, sql, "a hook in dbt_project.yml")
               for sql in _folder_hooks(project, relative)),
             *(Hook(_line_of(text, "hook"), sql, "a hook in the model's config()")
               for sql in expressions.hooks),
             *block_hooks(text, expressions.relation)]
    sql = {h: expressions.render(h.sql) for h in hooks if h.sql is not None}
    readable = {h: text for h, text in sql.items() if not _macro_only(text)}
    extraction = extract_sql(rendered, relpath, dialect, into=_built(name, expressions.config),
                             after=[(h.line, text) for h, text in readable.items()])
    unread = [FileProblem(path=relpath, line=h.line, message=f"{h.what} is built at run time "
                          "(a variable or a macro) and cannot be read: what it runs is not "
                          "checked") for h in hooks if h not in readable]
    if _unread_location(expressions.config):
        unread.append(FileProblem(
            path=relpath, line=_line_of(text, "location"),
            message="the external materialisation's `location` is built at run time (a "
                    "variable or a macro) and cannot be read: where the model is written is "
                    "not checked"))
    return with_declared_columns(
        extraction.model_copy(update={"errors": (*extraction.errors, *unread)}),
        project, model, name)


def _built(relation: str, config: dict) -> Resource:
    """What a model builds: its relation, or the file an `external` materialisation writes
    (dbt-duckdb's `location='s3://…/x.parquet'`), which is a place of its own."""
    location = config.get("location")
    if config.get("materialized") == "external" and isinstance(location, str) and location:
        return normalise_location(location)
    return table_resource(relation)


def _unread_location(config: dict) -> bool:
    """An `external` model whose `location` is written but could not be read as text."""
    return config.get("materialized") == "external" and "location" in config \
        and not isinstance(config["location"], str)


def _macro_only(sql: str) -> bool:
    """Whether rendered hook SQL is nothing but an expression left unresolved (`{{
    grant_select(this) }}`): a macro's SQL, which only running dbt would tell."""
    match = JINJA.fullmatch(sql.strip())
    return match is not None and match.group(2) is not None


def _line_of(text: str, word: str) -> int:
    """The line `word` is first written at in a model file (1 when it is not)."""
    found = text.find(word)
    return text.count("\n", 0, found) + 1 if found >= 0 else 1


def with_declared_columns(extraction: Extraction, project: DbtProject, model: str,
                          relation: str) -> Extraction:
    """The columns (and column tags) the properties files declare for this model's relation
    and for the source tables, on their resource nodes."""
    declared = [(table_resource(relation), project.model_columns.get(model, ()))]
    declared += [(table_resource(project.sources.get(key, ".".join(key))), columns)
                 for key, columns in project.source_columns.items()]
    return with_tables(extraction, [(r, c) for r, c in declared if c])


def render(text: str, project: DbtProject, model: str) -> tuple[str, dict]:
    """The SQL of a dbt file with its Jinja resolved, and the settings of its `config()`."""
    expressions = _Expressions(project, model)
    return expressions.render(text), expressions.config


class _Expressions:
    """dbt's own Jinja functions, evaluated from the project's files; never executing code.
    `config` starts from the model's folders' settings and gains its `config()` call's;
    `hooks` are the SQL of that call's `pre_hook`/`post_hook` (None: cannot be read)."""

    def __init__(self, project: DbtProject, model: str, folder: dict | None = None) -> None:
        self.project = project
        self.model = model
        self.config: dict = dict(folder or {})
        self.hooks: list[str | None] = []

    def render(self, text: str) -> str:
        return render_jinja(text, self.resolve,
                            taken=lambda condition: "is_incremental()" not in condition)

    def relation(self) -> str:
        return self.project.model_relation(self.model, self.config)

    def resolve(self, expression: str) -> str | None:
        if expression == "this":
            return self.relation()
        call = _call(expression)
        if call is None or not isinstance(call.func, ast.Name):
            return None
        args, kwargs = _arguments(call)
        function = call.func.id
        if function == "ref" and args and _is_text(args[-1]):
            return self._ref(str(args[-1]))
        if function == "source" and len(args) == 2 and all(_is_text(a) for a in args):
            return self._source(str(args[0]), str(args[1]))
        if function == "config":
            for keyword in call.keywords:
                if keyword.arg in HOOK_KEYS:
                    self.hooks.extend(hook_texts(keyword.value, self.relation))
            self.config.update({k: v for k, v in kwargs.items() if k not in HOOK_KEYS})
            return ""
        if function == "var" and len(args) > 1 and _is_text(args[1]):
            return str(args[1])
        return None

    def _ref(self, model: str) -> str:
        node = _manifest_model(self.project, model)
        return _relation_of(node).name if node else self.project.model_relation(
            model, _model_config(self.project, model))

    def _source(self, source: str, table: str) -> str:
        for node in _manifest_nodes(self.project, "sources"):
            if node.get("source_name") == source and node.get("name") == table:
                return _relation_of(node).name
        return self.project.sources.get((source, table), f"{source}.{table}")


def _call(expression: str) -> ast.Call | None:
    tree = parse_expression(expression)
    return tree if isinstance(tree, ast.Call) else None


def _arguments(call: ast.Call) -> tuple[list[object], dict[str, object]]:
    """Literal positional and keyword arguments of a Jinja call (others become None)."""
    return [_literal(a) for a in call.args], {
        k.arg: _literal(k.value) for k in call.keywords if k.arg}


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except LITERAL_ERRORS:
        return None


def _is_text(value: object) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def config_text(path: Path) -> str:
    """The `config(...)` calls of a model file as written (what naming its relation reads)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(expression for expression in _expressions(text)
                     if expression.startswith("config("))


def _expressions(text: str) -> list[str]:
    return [(match.group(2) or "").strip() for match in JINJA.finditer(text)
            if match.group(2) is not None]


def _config_of(path: Path) -> dict:
    """The settings of a model file's `{{ config(...) }}` call, without rendering the rest."""
    config: dict = {}
    for expression in config_text(path).splitlines():
        call = _call(expression)
        if call is not None:
            config.update(_arguments(call)[1])
    return config


def _relation_of(node: dict) -> Resource:
    relation = node.get("relation_name")
    if not isinstance(relation, str) or not relation.strip():
        relation = ".".join(str(p) for p in (node.get("database"), node.get("schema"),
                                             node.get("alias") or node.get("name"))
                            if _is_text(p) and str(p))
    return table_resource(relation.replace('"', "").replace("`", "") or "unnamed")


def _manifest_nodes(project: DbtProject, key: str) -> list[dict[str, Any]]:
    nodes = (project.manifest or {}).get(key) or {}
    return [node for node in nodes.values() if isinstance(node, dict)]


def _manifest_node(project: DbtProject, relative: str) -> dict | None:
    for node in _manifest_nodes(project, "nodes"):
        if node.get("original_file_path") == relative and node.get("resource_type") == "model":
            return node
    return None


def _manifest_model(project: DbtProject, model: str) -> dict | None:
    for node in _manifest_nodes(project, "nodes"):
        if node.get("resource_type") == "model" and node.get("name") == model:
            return node
    return None


def _model_config(project: DbtProject, model: str) -> dict:
    """A referenced model's naming config, read from its own file's `config()`."""
    candidate = project.models_by_name.get(model)
    if candidate is None:
        return {}
    relative = candidate.relative_to(project.root).as_posix()
    return {**_folder_config(project, relative), **_config_of(candidate)}


def _folder_hooks(project: DbtProject, relative: str) -> list[str | None]:
    """The hooks `dbt_project.yml` sets for the model's folders, outermost first."""
    return [hook for level in _folder_levels(project, relative)
            for hook in configured_hooks(level)]


def _folder_levels(project: DbtProject, relative: str) -> list[dict]:
    """The model config of `dbt_project.yml` at the project level and each of its folders."""
    levels = [project.folder_configs]
    for folder in relative.split("/")[1:-1]:
        level = levels[-1].get(folder)
        if not isinstance(level, dict):
            break
        levels.append(level)
    return levels


def _folder_config(project: DbtProject, relative: str) -> dict:
    """`+schema` / `+database` / `+alias` set in dbt_project.yml for the model's folders."""
    config: dict = {}
    for level in _folder_levels(project, relative):
        for key in NAMING_KEYS:
            for spelled in (f"+{key}", key):
                if isinstance(level.get(spelled), str):
                    config[key] = level[spelled]
    return config
