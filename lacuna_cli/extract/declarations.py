"""What a module declares: its tables and record types, with their columns.

The value the declaration readers (`declared_classes.py`, `declared_calls.py`) produce and the
interpreter (`pymodels.py`) and lineage (`declared_tables.py`) consume.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeclaredSchema:
    """One declared table or record type: the name code uses for it, the table it maps to
    (None for a record type), its columns, and why they are unknown if they are."""

    name: str
    family: str
    line: int
    table: str | None
    columns: tuple[str, ...]
    unresolved: str | None = None
    managers: tuple[str, ...] = ()
    adds: bool = False  # `op.add_column`: columns added to a table declared elsewhere


@dataclass(frozen=True)
class ModuleSchemas:
    """A module's declarations and the project modules read to resolve them (for cache keys)."""

    relpath: str
    schemas: tuple[DeclaredSchema, ...] = ()
    depends: tuple[tuple[str, str], ...] = ()  # (project path, content digest)

    def named(self, name: str) -> DeclaredSchema | None:
        return next((s for s in self.schemas if s.name == name), None)
