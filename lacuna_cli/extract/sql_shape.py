"""The transform a statement applies to its sources: what the classifier's inheritance reads.

Aggregates (with their group keys) may lower sensitivity, hashing/masking may anonymize it,
projections may drop identifying columns; joins and plain copies pass it on.
"""

from __future__ import annotations

from sqlglot import exp

from lacuna_cli.extract.sql_columns import ColumnLineage
from lacuna_cli.extract.sql_tables import Flow
from lacuna_cli.models import Transform

Shape = tuple[tuple[str, ...], tuple[str, ...] | None, Transform]


def shape(flow: Flow, source_count: int,
          lineage: tuple[ColumnLineage, ...]) -> Shape:
    """Group keys, output columns and the transform of one flow."""
    query = flow.query
    select = query if isinstance(query, exp.Select) else (
        query.find(exp.Select) if query is not None else None)
    if select is None:
        columns = tuple(entry.column for entry in lineage) or None
        return (), columns, "derive"
    star = any(isinstance(e, exp.Star) or e.is_star for e in select.expressions)
    columns = None if star else tuple(entry.column for entry in lineage) or tuple(
        name.lower() for name in select.named_selects)
    group = select.args.get("group")
    if group is not None or any(select.find_all(exp.AggFunc)):
        keys = tuple(_key_name(e, select) for e in (group.expressions if group else []))
        return keys, columns, "aggregate"
    if any(entry.anonymized for entry in lineage):
        return (), columns, "anonymize"
    if source_count > 1:
        return (), columns, "join"
    if select.args.get("where") is not None:
        return (), columns, "filter"
    return (), columns, "derive" if columns is None else "project"


def _key_name(key: exp.Expr, select: exp.Select) -> str:
    """A group key's column name; `GROUP BY 2` names the second output column."""
    if isinstance(key, exp.Literal) and key.is_int and 0 < int(key.name) <= len(
            select.expressions):
        key = select.expressions[int(key.name) - 1]
    return key.alias_or_name.lower()
