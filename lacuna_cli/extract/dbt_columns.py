"""Columns a dbt project declares in its properties files (`schema.yml`), with their tags.

`models: [{name: stg_customers, columns: [{name: email, tags: [pii], meta: {contains_pii:
true}}]}]` says which columns a model's relation has and how the team labels them; `sources:`
does the same for the tables dbt reads. The columns become the relation's columns in the
lineage (what the model's SQL does not name, the YAML still does), and a column's `tags` and
`meta` become its declared tags: a `tags` entry as written, a `meta` entry as `key` when its
value is true, `key=value` for a scalar value (`sensitivity=pii`), nothing when false or empty.
A malformed entry is a problem naming the file and the key; the rest is read.
"""

from __future__ import annotations

from typing import Any

from lacuna_cli.models import ColumnTags

# (file relative to the project, line, message), as in dbt_project.Problem
Problem = tuple[str, int | None, str]
Declared = tuple[ColumnTags, ...]


def read_declared_columns(document: Any, relative: str, problems: list[Problem]
                          ) -> tuple[dict[str, Declared], dict[tuple[str, str], Declared]]:
    """The columns of each model (by model name) and each source table (by source and
    table name) a properties file declares."""
    models: dict[str, Declared] = {}
    sources: dict[tuple[str, str], Declared] = {}
    if not isinstance(document, dict):
        return models, sources
    for number, model in enumerate(_entries(document.get("models")), start=1):
        if isinstance(model.get("name"), str):
            models[model["name"]] = _columns(model.get("columns"), relative,
                                             f"models[{number}]", problems)
    for number, source in enumerate(_entries(document.get("sources")), start=1):
        for index, table in enumerate(_entries(source.get("tables")), start=1):
            if isinstance(source.get("name"), str) and isinstance(table.get("name"), str):
                sources[(source["name"], table["name"])] = _columns(
                    table.get("columns"), relative,
                    f"sources[{number}].tables[{index}]", problems)
    return models, sources


def _entries(value: Any) -> list[dict]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) \
        else []


def _columns(value: Any, relative: str, where: str, problems: list[Problem]) -> Declared:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append((relative, None, f"{where}.columns must be a list; not read"))
        return ()
    found = []
    for index, column in enumerate(value, start=1):
        if not isinstance(column, dict) or not isinstance(column.get("name"), str):
            problems.append((relative, None, f"{where}.columns[{index}] has no `name:`"))
            continue
        found.append(ColumnTags(column=column["name"].lower(),
                                tags=_tags(column.get("tags"), column.get("meta"))))
    return tuple(found)


def _tags(tags: Any, meta: Any) -> tuple[str, ...]:
    found = [str(t) for t in tags if isinstance(t, str | int)] if isinstance(tags, list) else \
        [tags] if isinstance(tags, str) else []
    for key, value in (meta.items() if isinstance(meta, dict) else ()):
        if value is True:
            found.append(str(key))
        elif isinstance(value, str | int | float) and not isinstance(value, bool) and value != "":
            found.append(f"{key}={value}")
        elif isinstance(value, list):
            found.extend(f"{key}={item}" for item in value if isinstance(item, str | int))
    return tuple(dict.fromkeys(found))
