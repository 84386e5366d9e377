"""Names a module imports from other files of the project that touch data.

The prefilter and the slice look for the catalog's entry points (`pd.read_csv(`, `.to_csv(`,
`requests.post(`), but pipelines hide them in their own helpers: `send_report(load())` in a
job whose helpers read customers in one file and post them to a partner in another spells no
entry point at all. Skipping that job (or blanking the statement) would let the send through
unseen, so a name imported from a project file that touches data (its text spells an entry
point, or it imports such a file, a few files deep) counts as one. A project module that
touches no data (constants, string helpers) adds nothing, which keeps the cost of this rule to
the files where it matters.

The project files consulted are returned too: the importer's cached analysis is valid only
while they stay as they are (a helper that starts reading customers makes its callers matter).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lacuna_cli.extract.catalog import Catalog
from lacuna_cli.extract.prefilter import may_hold_operations
from lacuna_cli.extract.pyimports import module_file

MAX_DEPTH = 3  # helpers importing helpers: deeper chains are rare and each level costs a parse


@dataclass(frozen=True)
class DataHelpers:
    names: frozenset[str]  # bound by imports of project files that touch data
    modules: frozenset[str]  # every project file consulted to tell, by relative path


@dataclass(frozen=True)
class _Touch:
    touches: bool
    modules: frozenset[str]


# (resolved path, modification time, size) -> whether that project file may touch data
_TOUCHES: dict[tuple[str, int, int], _Touch] = {}


def data_helpers(tree: ast.Module, relpath: str, root: Path, catalog: Catalog,
                 depth: int = 0) -> DataHelpers:
    """The names this module's imports bind to project files that may touch data."""
    names: set[str] = set()
    modules: set[str] = set()

    def touches(path: Path | None) -> bool:
        touch = _touches(path, root, catalog, depth)
        modules.update(touch.modules)
        return touch.touches

    for statement in _imports(tree.body):
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if touches(module_file(alias.name, 0, relpath, root)):
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(statement, ast.ImportFrom):
            module = statement.module or ""
            whole = module_file(module, statement.level, relpath, root) if module else None
            for alias in statement.names:
                # `from etl import helpers` imports a module; `from etl.helpers import load`
                # a name defined in one
                inner = module_file(f"{module}.{alias.name}".lstrip("."), statement.level,
                                    relpath, root)
                if touches(inner) | touches(whole):
                    names.add(alias.asname or alias.name)
    modules.discard(relpath)
    return DataHelpers(frozenset(names), frozenset(modules))


def _imports(statements: Sequence[ast.AST]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements among `statements` and the blocks nested in them (a function's
    `from etl.partner import send_report` too), without visiting any expression: this runs on
    every analysed file, and a full `ast.walk` of a large module costs milliseconds."""
    for statement in statements:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            yield statement
            continue
        for block in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(statement, block, None)
            if isinstance(inner, list):
                yield from _imports(inner)


_NOTHING = _Touch(False, frozenset())


def _touches(path: Path | None, root: Path, catalog: Catalog, depth: int) -> _Touch:
    """Whether a project file spells an entry point or imports one that does."""
    if path is None or depth >= MAX_DEPTH:
        return _NOTHING
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        if key in _TOUCHES:
            return _TOUCHES[key]
        relpath = path.resolve().relative_to(root.resolve()).as_posix()
        _TOUCHES[key] = _Touch(False, frozenset({relpath}))  # an import cycle ends here
        text = path.read_text(encoding="utf-8", errors="replace")
        if may_hold_operations(text, catalog):
            _TOUCHES[key] = _Touch(True, frozenset({relpath}))
        else:
            inner = data_helpers(ast.parse(text), relpath, root, catalog, depth + 1)
            _TOUCHES[key] = _Touch(bool(inner.names), inner.modules | {relpath})
    except (OSError, ValueError, SyntaxError, RecursionError):
        return _NOTHING
    return _TOUCHES[key]
