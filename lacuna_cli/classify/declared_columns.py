"""Per-column data types a governance team declares in `lacuna-classifications.yaml`.

A column's name may say nothing (`customers.ea`, `contacts.x1`) or mislead; the people who own
the data know what it holds. They name the data type of the catalog (`rules/columns.yaml`) —
`customers.email_addr: {data_type: Email address}` — and its tier, tags and fideslang category
follow from the catalog, so the declaration cannot drift from what the rules would give the
same data. A declared column beats every layer and is not re-read in its record's context.

A data type the catalog does not know is one error naming the file and key; that entry is left
out and the rest of the file still applies — a typo must neither stop the run nor become a
classification nobody notices.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from lacuna_cli.classify.heuristics import Rule, RuleSet
from lacuna_cli.classify.inherit import ColumnSensitivity
from lacuna_cli.models import FileProblem

# What beats every layer: reports show the column decided by `override`.
DECLARED_LAYER = "override"


class DeclaredColumn(BaseModel):
    """One `columns` entry: `TABLE.COLUMN: {data_type: ..., reason: ...}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data_type: str = Field(min_length=1)
    reason: str | None = None


@dataclass(frozen=True)
class DeclaredColumns:
    """(table, column), case-folded -> the declared verdict; and what could not be applied."""

    verdicts: Mapping[tuple[str, str], ColumnSensitivity] = field(default_factory=dict)
    problems: tuple[FileProblem, ...] = ()

    def of(self, table: str, column: str) -> ColumnSensitivity | None:
        """The declared verdict of `column` of the table or file named `table` (as Lacuna
        reports it; a schema-qualified table also answers to its bare name)."""
        if not self.verdicts:
            return None
        folded = (table.casefold(), column.casefold())
        found = self.verdicts.get(folded)
        if found is None and "/" not in table and "." in table:
            found = self.verdicts.get((folded[0].rsplit(".", 1)[1], folded[1]))
        return found


def declare(shown: str, entries: Mapping[str, DeclaredColumn], rules: RuleSet
            ) -> DeclaredColumns:
    """The file's `columns` entries resolved against the catalog of `rules`; `shown` is the
    file as error lines name it."""
    catalog = _catalog(rules) if entries else {}
    verdicts: dict[tuple[str, str], ColumnSensitivity] = {}
    problems = []
    for key, entry in entries.items():
        table, dot, column = key.rpartition(".")
        where = f"columns.{key}"
        if not dot or not table or not column:
            problems.append(_problem(shown, where, "a key is TABLE.COLUMN (or "
                                                   "path/to/file.csv.COLUMN)"))
            continue
        rule = catalog.get(entry.data_type.strip().casefold())
        if rule is None:
            problems.append(_problem(shown, f"{where}.data_type",
                                     _unknown(entry.data_type, catalog)))
            continue
        verdicts[(table.casefold(), column.casefold())] = _verdict(rule, shown, where, entry)
    return DeclaredColumns(verdicts, tuple(problems))


def _catalog(rules: RuleSet) -> dict[str, Rule]:
    """Data type name or rule id, case-folded -> the rule defining that data type (a shipped
    type wins over a project rule of the same name)."""
    found: dict[str, Rule] = {}
    for compiled in sorted(rules.columns.rules, key=lambda c: not c.shipped):
        rule = compiled.rule
        if rule.data_type:
            found.setdefault(rule.data_type.casefold(), rule)
            found.setdefault(rule.id.casefold(), rule)
    return found


def _verdict(rule: Rule, shown: str, where: str, entry: DeclaredColumn) -> ColumnSensitivity:
    reason = f": {entry.reason}" if entry.reason else ""
    return ColumnSensitivity(
        tier=rule.tier, tags=frozenset(rule.tags), identifier=rule.identifier,
        why=f"declared {rule.data_type} in {shown} ({where}){reason}",
        layer=DECLARED_LAYER, confidence=1.0, data_type=rule.data_type,
        fideslang=rule.fideslang)


def _unknown(name: str, catalog: Mapping[str, Rule]) -> str:
    close = list(dict.fromkeys(
        str(catalog[key].data_type)
        for key in difflib.get_close_matches(name.strip().casefold(), catalog, n=3, cutoff=0.75)))
    hint = (f"did you mean {', '.join(close)}?" if close
            else "`lacuna classify columns TABLE COLUMN` names the catalog's types")
    return f"unknown data type {name!r} (not in the catalog, rules/columns.yaml); {hint}"


def _problem(shown: str, key: str, message: str) -> FileProblem:
    return FileProblem(path=shown, message=f"{key}: {message}")
