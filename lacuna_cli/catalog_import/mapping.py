"""Foreign catalog labels -> Lacuna tiers and tags, from the YAML mapping (data, not code):
the shipped `rules/catalog/tags.yaml`, or a file given to `lacuna catalog import --mapping`."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lacuna_cli.catalog_import.tagged import Tagged
from lacuna_cli.classify.known import CATALOG_LAYER, Known
from lacuna_cli.errors import ConfigError
from lacuna_cli.models import AssignedTier, Tier
from lacuna_cli.shipped import shipped_dir
from lacuna_cli.yamlfile import read_yaml


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    labels: list[str] = Field(min_length=1)
    tier: AssignedTier
    tags: list[str] = Field(default_factory=list)


class MappingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    mappings: list[Entry]


@dataclass(frozen=True)
class Meaning:
    tier: Tier
    tags: frozenset[str]


class Mapping:
    """Labels to meanings; a label no entry matches means nothing (`unmapped`)."""

    def __init__(self, entries: list[Entry], source: str) -> None:
        self.entries = [(tuple(p.casefold() for p in e.labels), e.tier,
                         frozenset(t.upper() for t in e.tags)) for e in entries]
        self.source = source

    def meaning(self, label: str) -> Meaning | None:
        folded = label.casefold()
        found = [(tier, tags) for patterns, tier, tags in self.entries
                 if any(fnmatchcase(folded, p) for p in patterns)]
        if not found:
            return None
        return Meaning(max(tier for tier, _ in found), frozenset().union(*(t for _, t in found)))


def default_path() -> Path:
    return shipped_dir("rules") / "catalog" / "tags.yaml"


def load(path: Path | None = None) -> Mapping:
    path = path or default_path()
    try:
        parsed = MappingFile.model_validate(read_yaml(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    return Mapping(parsed.mappings, path.name)


@dataclass
class Mapped:
    """A file's classifications, and the labels the mapping did not know."""

    known: list[Known]
    unmapped: dict[str, str]  # label -> where it was first seen


def classify(tagged: list[Tagged], mapping: Mapping, source: str) -> Mapped:
    """One `Known` per resource: its own labels and its columns' (the strictest tier wins)."""
    unmapped: dict[str, str] = {}
    by_resource: dict[str, list[tuple[Tagged, Meaning]]] = {}
    for row in tagged:
        for label in dict.fromkeys(row.labels):
            meaning = mapping.meaning(label)
            if meaning is None:
                unmapped.setdefault(label, row.where)
            else:
                by_resource.setdefault(row.resource, []).append((row, meaning))
    known = []
    for resource, found in sorted(by_resource.items()):
        columns: dict[str, set[str]] = {}
        for row, meaning in found:
            if row.column is not None and meaning.tags:
                columns.setdefault(row.column, set()).update(meaning.tags)
        tier = max(meaning.tier for _, meaning in found)
        tags = sorted(frozenset().union(*(meaning.tags for _, meaning in found)))
        labels = ", ".join(dict.fromkeys(
            f"{row.column + ' ' if row.column else ''}{label}" for row, _ in found
            for label in row.labels if mapping.meaning(label) is not None))
        known.append(Known(f"table:{resource}", tier, tuple(tags),
                           {c: tuple(sorted(t)) for c, t in sorted(columns.items())},
                           CATALOG_LAYER, found[0][0].where,
                           f"catalog {source}: {labels} (mapped by {mapping.source})"))
    return Mapped(known, unmapped)
