"""Column-level lineage: for each output column, the source columns it derives from.

Resolution follows SQL scoping by hand (FROM/JOIN aliases, derived tables, CTEs, lateral column
aliases, set operations by position, `*` through known schemas), which is several times faster
than qualifying the whole tree with sqlglot's optimizer and needs no schema to work. Whether a
column passes through an aggregate, and which source columns reach it only hashed or masked, is
what the classifier's aggregate and anonymize rules need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlglot import exp

from lacuna_cli.extract.sql_tables import Flow, file_table

SourceColumn = tuple[str, str]  # (resource name, column)
ANONYMIZERS = {
    "md5", "sha", "sha1", "sha2", "sha256", "sha512", "md5_hex", "sha2_hex", "hash",
    "farm_fingerprint", "xxhash64", "xxhash3", "hmac", "mask", "mask_hash", "mask_first_n",
    "mask_last_n", "mask_show_first_n", "mask_show_last_n", "redact", "encrypt", "aes_encrypt",
    "pseudonymize", "tokenize", "sha1digest", "md5digest",
}

# Aggregates whose result is about the group, not a member of it: a count, a sum, a mean, a
# spread. Any other (`max(email)`, `string_agg(email, ',')`, `array_agg`, `any_value`) returns
# the members' own values.
SUMMARISING: tuple[type[exp.Expr], ...] = tuple(getattr(exp, name) for name in (
    "Count", "CountIf", "Sum", "SumIf", "Avg", "AvgIf", "Stddev", "StddevPop", "StddevSamp",
    "Variance", "VariancePop", "ApproxDistinct", "Median", "Quantile", "ApproxQuantile",
    "PercentileCont", "PercentileDisc", "Corr", "CovarPop", "CovarSamp", "LogicalAnd",
    "LogicalOr") if hasattr(exp, name))


@dataclass(frozen=True)
class ColumnLineage:
    """One output column: the source columns it derives from, whether an aggregate is on the
    way, and which of the sources reach it only through hashing/masking functions."""

    column: str
    sources: tuple[SourceColumn, ...]
    aggregate: bool = False
    anonymized: tuple[SourceColumn, ...] = ()


@dataclass
class Derivation:
    """Source columns of one value; `refs` maps each to True when only anonymized copies flow."""

    refs: dict[SourceColumn, bool] = field(default_factory=dict)
    aggregate: bool = False

    def add(self, other: Derivation, anonymized: bool = False, aggregate: bool = False) -> None:
        for ref, hidden in other.refs.items():
            self.refs[ref] = self.refs.get(ref, True) and (hidden or anonymized)
        self.aggregate = self.aggregate or other.aggregate or aggregate


Outputs = list[tuple[str, Derivation]]


@dataclass
class Source:
    """Something in a FROM clause: a real table (name, known columns) or a derived relation."""

    alias: str
    table: str | None = None
    columns: Sequence[str] | None = None
    outputs: Outputs | None = None

    def lookup(self, name: str) -> Derivation | None:
        if self.outputs is None:
            return Derivation({(self.table or "", name): False}) if self.table else None
        for output, derivation in self.outputs:
            if output == name:
                return derivation
        stars = [d for output, d in self.outputs if output == "*"]
        if not stars:  # a table written earlier in the script may have more columns than that
            return Derivation({(self.table, name): False}) if self.table else None
        found = Derivation()
        for star in stars:  # `SELECT * FROM t` with t's columns unknown: pass the name through
            found.add(Derivation({(table, name): hidden for (table, _), hidden in
                                  star.refs.items()}, star.aggregate))
        return found

    def has(self, name: str) -> bool | None:
        """True/False when this source surely has / lacks the column, None when unknown."""
        if self.outputs is not None:
            names = [output for output, _ in self.outputs]
            return True if name in names else None if "*" in names else False
        return None if self.columns is None else name in self.columns

    def star(self) -> Outputs:
        if self.outputs is not None:
            return list(self.outputs)
        if self.columns is not None:
            return [(c, Derivation({(self.table or "", c): False})) for c in self.columns]
        return [("*", Derivation({(self.table or "", "*"): False}))]


def column_lineage(outputs: Outputs) -> tuple[ColumnLineage, ...]:
    """The public form of a statement's resolved outputs."""
    return tuple(
        ColumnLineage(
            column=name,
            sources=tuple(d.refs),
            aggregate=d.aggregate,
            anonymized=tuple(ref for ref, hidden in d.refs.items() if hidden),
        )
        for name, d in outputs
    )


class ColumnResolver:
    """Column lineage of queries, with table schemas and tables written earlier in the script."""

    def __init__(self, schema: Mapping[str, Sequence[str]] | None = None,
                 written: Mapping[str, Outputs] | None = None) -> None:
        self.schema = schema or {}
        self.written = written or {}
        self.outer: list[list[Source]] = []  # enclosing scopes, for correlated subqueries

    # ---- statements ---------------------------------------------------------------------

    def outputs_of(self, flow: Flow, tree: exp.Expr) -> Outputs:
        """Target column -> derivation, named as the target names them."""
        ctes = self._with(tree, {})
        if isinstance(tree, exp.Update):
            return self._assignments(tree.expressions, self._scope(tree, ctes), ctes)
        if isinstance(tree, exp.Merge):
            return self._merge(tree, ctes)
        if flow.query is None:
            return []
        outputs = self.query(flow.query, ctes)
        names = list(flow.columns) or list(self.schema.get(flow.target.name, ())
                                           if flow.target is not None else ())
        if names and len(names) == len(outputs) and all(n != "*" for n, _ in outputs):
            return [(name, d) for name, (_, d) in zip(names, outputs, strict=True)]
        return outputs

    def _merge(self, tree: exp.Merge, ctes: dict[str, Outputs]) -> Outputs:
        scope = self._scope(tree, ctes)
        outputs: Outputs = []
        for when in tree.find_all(exp.When):
            action = when.args.get("then")
            if isinstance(action, exp.Update):
                outputs += self._assignments(action.expressions, scope, ctes)
            elif isinstance(action, exp.Insert) and isinstance(action.this, exp.Tuple):
                values = action.expression
                columns = [c.name.lower() for c in action.this.expressions]
                exprs = values.expressions if isinstance(values, exp.Tuple) else []
                outputs += [(name, self.expression(e, scope, ctes, {}))
                            for name, e in zip(columns, exprs, strict=False)]
        return _merged(outputs)

    def _assignments(self, assignments: Sequence[exp.Expr], scope: list[Source],
                     ctes: dict[str, Outputs]) -> Outputs:
        outputs: Outputs = []
        for assignment in assignments:
            if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column):
                derivation = self.expression(assignment.expression, scope, ctes, {})
                outputs.append((assignment.this.name.lower(), derivation))
        return _merged(outputs)

    # ---- queries ------------------------------------------------------------------------

    def query(self, node: exp.Expr, ctes: dict[str, Outputs]) -> Outputs:
        """Output columns of a query, in order."""
        ctes = self._with(node, ctes)
        if isinstance(node, exp.Subquery):
            return self.query(node.this, ctes)
        if isinstance(node, exp.SetOperation):
            left, right = self.query(node.this, ctes), self.query(node.expression, ctes)
            merged: Outputs = []
            for index, (name, derivation) in enumerate(left):
                combined = Derivation()
                combined.add(derivation)
                if index < len(right):
                    combined.add(right[index][1])
                merged.append((name, combined))
            return merged
        if isinstance(node, exp.Select):
            return self._select(node, ctes)
        return []

    def _with(self, node: exp.Expr, ctes: dict[str, Outputs]) -> dict[str, Outputs]:
        with_ = node.args.get("with_")
        if not isinstance(with_, exp.With):
            return ctes
        visible = dict(ctes)
        for cte in with_.expressions:
            visible[cte.alias_or_name.lower()] = self.query(cte.this, visible)
        return visible

    def _select(self, select: exp.Select, ctes: dict[str, Outputs]) -> Outputs:
        scope = self._scope(select, ctes)
        lateral: dict[str, Derivation] = {}
        outputs: Outputs = []
        for projection in select.expressions:
            if isinstance(projection, exp.Star) or (
                    isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)):
                qualifier = projection.table.lower() if isinstance(projection, exp.Column) else ""
                for source in scope:
                    if not qualifier or _matches(source, qualifier):
                        outputs += source.star()
                continue
            name = _output_name(projection)
            derivation = self.expression(projection, scope, ctes, lateral)
            lateral.setdefault(name, derivation)
            outputs.append((name, derivation))
        return outputs

    def _scope(self, node: exp.Expr, ctes: dict[str, Outputs]) -> list[Source]:
        """The relations a SELECT/UPDATE/MERGE can name columns from, with their aliases."""
        relations: list[exp.Expr] = []
        for key in ("this", "from_", "using", "joins", "laterals"):
            value = node.args.get(key)
            if key == "this" and not isinstance(node, exp.Update | exp.Merge):
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, exp.From | exp.Join):
                    item = item.this
                if isinstance(item, exp.Expression):
                    relations.extend(_flatten(item))
        return [s for s in (self._source(r, ctes) for r in relations) if s is not None]

    def _source(self, relation: exp.Expr, ctes: dict[str, Outputs]) -> Source | None:
        alias = relation.alias.lower() if relation.alias else ""
        if isinstance(relation, exp.Table):
            resource = file_table(relation)
            if resource is not None:
                return Source(alias, resource.name)
            name = ".".join(p.name for p in relation.parts).lower()
            if not relation.db and name in ctes:
                return Source(alias or name, outputs=ctes[name])
            if name in self.written:
                return Source(alias or relation.name.lower(), name, outputs=self.written[name])
            return Source(alias or relation.name.lower(), name, self.schema.get(name))
        if isinstance(relation, exp.Subquery | exp.Query):
            return Source(alias, outputs=self.query(relation, ctes))
        if isinstance(relation, exp.Unnest | exp.Lateral | exp.Values):
            return Source(alias, outputs=[])
        return None

    # ---- expressions --------------------------------------------------------------------

    def expression(self, node: exp.Expr, scope: list[Source], ctes: dict[str, Outputs],
                   lateral: dict[str, Derivation]) -> Derivation:
        """Every source column `node` reads, through nested subqueries too."""
        result = Derivation()
        stack: list[tuple[exp.Expr, bool]] = [(node, False)]
        while stack:
            current, hidden = stack.pop()
            if isinstance(current, exp.Query | exp.Subquery) and current is not node:
                self.outer.append(scope)
                try:
                    for _, derivation in self.query(current, ctes):
                        result.add(derivation, hidden)
                finally:
                    self.outer.pop()
                continue
            if isinstance(current, SUMMARISING):
                result.aggregate = True
            if isinstance(current, exp.Column):
                found = self._column(current, scope, lateral)
                if found is not None:
                    result.add(found, hidden)
                continue
            if isinstance(current, exp.Star) and len(scope) == 1:
                result.add(scope[0].lookup("*") or Derivation(), hidden)
                continue
            hidden = hidden or _anonymizes(current)
            stack.extend((child, hidden) for child in current.iter_expressions())
        return result

    def _column(self, column: exp.Column, scope: list[Source], lateral: dict[str, Derivation]
                ) -> Derivation | None:
        if not scope and self.outer:
            scope = self.outer[-1]
        name = column.name.lower()
        qualifier = column.table.lower()
        if qualifier:
            source = next((s for s in scope if _matches(s, qualifier)), None)
            return source.lookup(name) if source is not None else None
        if name in lateral and not any(s.has(name) for s in scope) and not any(
                column == name for _, column in lateral[name].refs):
            return lateral[name]  # an earlier alias, unless it merely renames that column
        if len(scope) == 1:
            return scope[0].lookup(name)
        sure = [s for s in scope if s.has(name)]
        candidates = sure or [s for s in scope if s.has(name) is None]
        found = Derivation()
        for source in candidates:
            found.add(source.lookup(name) or Derivation())
        return found


def _flatten(relation: exp.Expr) -> list[exp.Expr]:
    """`FROM (a JOIN b ON ...)`: the parenthesised tables and their joins."""
    while isinstance(relation, exp.Subquery) and isinstance(relation.this, exp.Subquery) and (
            not relation.alias):
        relation = relation.this
    if isinstance(relation, exp.Subquery) and not isinstance(relation.this, exp.Query):
        inner = relation.this
        joined = [j.this for j in inner.args.get("joins") or []]
        return [r for part in (inner, *joined) for r in _flatten(part)]
    if isinstance(relation, exp.Table) and relation.args.get("joins"):
        joined = [j.this for j in relation.args["joins"]]
        return [relation, *(r for part in joined for r in _flatten(part))]
    return [relation]


def _matches(source: Source, qualifier: str) -> bool:
    if source.alias == qualifier:
        return True
    table = source.table or ""
    return not source.alias and (table == qualifier or table.endswith("." + qualifier))


def _output_name(projection: exp.Expr) -> str:
    name = projection.alias_or_name
    if name and name != "*":
        return name.lower()
    return projection.sql().lower()


def _anonymizes(node: exp.Expr) -> bool:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower() in ANONYMIZERS
    return isinstance(node, exp.Func) and node.sql_name().lower() in ANONYMIZERS


def _merged(outputs: Outputs) -> Outputs:
    """One entry per target column (MERGE can assign a column in several branches)."""
    merged: dict[str, Derivation] = {}
    for name, derivation in outputs:
        merged.setdefault(name, Derivation()).add(derivation)
    return list(merged.items())
