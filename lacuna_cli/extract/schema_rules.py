"""What Lacuna knows about schema libraries, as data: `rules/schemas/declarations.yaml`.

Which base class or decorator makes a class a table or record declaration, which constructors
declare a column, how a class names its table, which calls (`Table(...)`, alembic's
`op.create_table`, pandera's `DataFrameSchema`) declare columns. `declared_classes.py` and
`declared_calls.py` apply these rows; supporting another ORM is a YAML row, not code. A bad
file is one error naming the file and the key, like a bad catalog file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lacuna_cli.errors import ConfigError
from lacuna_cli.extract.catalog import ArgRef, _compile
from lacuna_cli.shipped import shipped_dir
from lacuna_cli.yamlfile import parse_yaml


class TableNaming(BaseModel):
    """How a class names its table: a class attribute, an attribute of its inner `Meta`, else
    a default derived from the class name (`snake`, `lower`, `app_model`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attribute: str | None = None
    meta: str | None = None
    default: Literal["snake", "lower", "app_model"] | None = None
    keyword: str | None = None  # a class keyword that makes it a table (`table=True`, SQLModel);
    # without it the class is a record type


class Family(BaseModel):
    """One library's way of declaring a record type as a class."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    bases: list[str] = Field(default_factory=list)
    decorators: list[str] = Field(default_factory=list)
    fields: list[Literal["annotated", "assigned"]] = Field(min_length=1)
    columns: list[str] = Field(default_factory=list)  # constructors that declare a column
    annotations: list[str] = Field(default_factory=list)  # empty: any annotation declares one
    not_columns: list[str] = Field(default_factory=list)
    foreign_keys: list[str] = Field(default_factory=list)  # the column is `<field>_id`
    rename: list[ArgRef] = Field(default_factory=list)  # argument giving the column's own name
    table: TableNaming | None = None  # None: a record type, not a table
    abstract: list[str] = Field(default_factory=list)  # `__abstract__`, `Meta.abstract`
    managers: list[str] = Field(default_factory=list)  # class attributes that query the table


class CallRule(BaseModel):
    """A call that declares columns: of the table named by `table`, or of a frame schema."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    match: list[str] = Field(min_length=1)
    table: ArgRef | None = None
    columns: Literal["column_calls", "dict_keys"]
    argument: ArgRef | None = None  # `dict_keys`: the argument holding the dict
    reflected: list[str] = Field(default_factory=list)  # keywords: columns read at run time


class Expectations(BaseModel):
    """Methods called on data that name columns the data must have, and which of their
    arguments name them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    methods: list[str] = Field(default_factory=list)  # `*` matches characters
    columns: list[ArgRef] = Field(default_factory=list)


class Records(BaseModel):
    """How code turns data into records of a declared type besides calling the class."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Class methods that read the file their first argument names (`Member.parse_file(p)`).
    file_readers: list[str] = Field(default_factory=list)
    # Calls whose first argument is a type naming a record model (`list[Member]`): with more
    # arguments a record of them (`parse_obj_as(list[Member], rows)`), else the model itself
    # (`TypeAdapter(list[Member]).validate_json(text)`).
    adapters: list[str] = Field(default_factory=list)


class SchemaRulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    families: list[Family] = Field(default_factory=list)
    calls: list[CallRule] = Field(default_factory=list)
    column_calls: list[str] = Field(default_factory=list)
    not_reads: list[str] = Field(default_factory=list)
    column_reads: list[str] = Field(default_factory=list)
    expectations: Expectations = Field(default_factory=Expectations)
    records: Records = Field(default_factory=Records)


def matches(patterns: list[str], qualname: str | None) -> bool:
    """Whether a resolved dotted name matches one of the patterns (`*`, `**` as in the
    library catalog)."""
    if not qualname:
        return False
    return any(_regex(pattern).fullmatch("." + qualname) for pattern in patterns)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return _compile(pattern)


@dataclass(frozen=True, eq=False)
class SchemaRules:
    """The parsed rules and the module names whose mention makes a file worth reading."""

    families: tuple[Family, ...]
    calls: tuple[CallRule, ...]
    column_calls: tuple[str, ...]
    not_reads: frozenset[str]
    column_reads: frozenset[str]
    expectations: Expectations
    records: Records

    def expects(self, method: str) -> bool:
        """Whether a method called on data names columns it must have."""
        return matches(self.expectations.methods, method)

    @cached_property
    def modules(self) -> frozenset[str]:
        """Libraries whose mention makes a module worth reading for declarations."""
        patterns = [p for f in self.families for p in (*f.bases, *f.decorators)]
        return frozenset(p.split(".")[0] for p in patterns if not p.startswith("*")) | \
            self.call_modules

    @cached_property
    def call_modules(self) -> frozenset[str]:
        """Libraries whose calls declare columns: only a module mentioning one is searched
        for such calls."""
        return frozenset(p.split(".")[0] for c in self.calls for p in c.match
                         if not p.startswith("*"))


def rules_path() -> Path:
    return shipped_dir("rules") / "schemas" / "declarations.yaml"


@cache
def load_schema_rules(path: Path | None = None) -> SchemaRules:
    """The schema rules, parsed once per process; a bad file is a ConfigError naming it."""
    path = path or rules_path()
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read schema rules: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    try:
        parsed = SchemaRulesFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path}: {key or '(top level)'}: {first['msg']}") from exc
    return SchemaRules(tuple(parsed.families), tuple(parsed.calls), tuple(parsed.column_calls),
                       frozenset(parsed.not_reads), frozenset(parsed.column_reads),
                       parsed.expectations, parsed.records)
