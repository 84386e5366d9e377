"""Only the statements data can reach are handed to libcst.

libcst's parse and code generation cost far more than the interpretation after them, and in a
real module most statements (utility classes, constants, unrelated functions and methods)
never touch data. CPython's parser has already produced the module's `ast`; from it this module
keeps the statements that matter and blanks the others line for line, so every kept node keeps
its line and column and no location changes.

The units are the module's top-level statements, and inside a top-level class each member
(the interpreter summarises methods one by one, like functions). A unit is kept when:
- it spells an entry point of a data operation (the prefilter's pattern: a data module,
  `open(`, `.execute(` ...), a write (`.to_csv(`, `.write(` ...: a function writing its
  parameters is reported even when nothing calls it), or names either as a value to call
  under another name (`from io import open as io_open`), or it is a function logging one of
  its parameters (`def dump(df): print(df.head())`, reported like a write) — a *seed*;
- data can flow into it: it mentions a name that a seed, or a unit data already reaches, binds
  at module level (`df = pd.read_csv(p)` then `save(df)`; a function then its callers);
- a kept unit needs what it binds (`BASE = Path("out")`, a helper, an import); a method a
  library base's method calls (a Luigi task's `requires`, called by `self.input()`) counts
  as binding that method's name.
Imports are always kept: they are short and give every call its qualified name. Mentions are
over-approximated (every identifier in a unit's text), so the slice errs towards keeping; the
extraction bench checks that sliced and whole-module analyses find the same operations.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lacuna_cli.extract.catalog import Catalog
from lacuna_cli.extract.prefilter import IDENTIFIER, LINE, may_touch_data, touch_words
from lacuna_cli.extract.project_calls import NO_HELPERS, DataHelpers, logs_a_parameter
from lacuna_cli.extract.pybinds import instance_attributes, module_binds
from lacuna_cli.extract.reach import reach

RECEIVER_CALL = re.compile(r"\b([^\W\d]\w*)\.(\w+)\(")  # `name.method(`
GLOBAL = re.compile(r"\bglobal\s+([^\n;#]+)")


@dataclass
class _Unit:
    """Statements sharing lines (`a = 1; b = open(p)`): kept or blanked together."""

    first: int  # 1-based; a decorated definition starts at its first decorator
    last: int
    imports: bool = True  # every statement in it is an import
    binds: set[str] = field(default_factory=set)
    mentions: set[str] = field(default_factory=set)
    seed: bool = False
    owner: int | None = None  # the index of the class header a member belongs to
    header: bool = False  # a class's decorators and `class` line: kept with any member
    statements: list[ast.stmt] = field(default_factory=list)


def relevant_source(source: str, tree: ast.Module, catalog: Catalog,
                    helpers: DataHelpers = NO_HELPERS) -> str:
    """`source` with the statements no data reaches replaced by empty lines; a statement
    naming one of `helpers` (imported from a project file where it touches data, see
    `project_calls`) is a seed like an entry point."""
    lines = LINE.findall(source)
    units = _units(tree.body)
    for unit in (unit for unit in units if not unit.header):
        text = "".join(lines[unit.first - 1:unit.last])
        unit.mentions = set(IDENTIFIER.findall(text))
        if "global" in unit.mentions:
            unit.binds |= {name for names in GLOBAL.findall(text)
                           for name in IDENTIFIER.findall(names)}
        unit.binds |= {name for name, method in RECEIVER_CALL.findall(text)
                       if method in catalog.hold_methods}  # `msg.attach(part)` changes msg
        if unit.owner is not None:  # a task's `requires` is needed where `self.input()` is
            unit.binds |= {caller for statement in unit.statements
                           if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef)
                           for caller in catalog.delegated.get(statement.name, ())}
            # `self.http` set by `__init__` and used by `upsert`: one member's attribute is
            # what another's statements use (named apart from module names by the class)
            for statement in unit.statements:
                stored, loaded = instance_attributes(statement)
                unit.binds |= {f"{unit.owner}.{name}" for name in stored}
                unit.mentions |= {f"{unit.owner}.{name}" for name in loaded}
        unit.seed = (not unit.mentions.isdisjoint(touch_words(catalog)) and may_touch_data(
            text, catalog)) or (not unit.imports and helpers.named_in(unit.mentions)) or (
            not unit.mentions.isdisjoint(catalog.log_calls)
            and any(logs_a_parameter(f, catalog.log_calls) for f in _functions(unit)))
    kept = _kept(units)
    if len(kept) == len(units):
        return source
    for index, unit in enumerate(units):
        if index not in kept:
            for number in range(unit.first - 1, unit.last):
                line = lines[number]
                lines[number] = line[len(line.rstrip("\r\n")):]
    return "".join(lines)


def _units(statements: list[ast.stmt]) -> list[_Unit]:
    """One unit per top-level statement, or a header and one unit per member for a class."""
    units: list[_Unit] = []
    for statement in statements:
        first, last = _lines(statement)
        if isinstance(statement, ast.ClassDef) and _lines(statement.body[0])[0] > first:
            header = len(units)
            units.append(_Unit(first, _lines(statement.body[0])[0] - 1, imports=False,
                               binds={statement.name}, header=True))
            for member in statement.body:
                _add(units, member, owner=header)
            units[-1].last = max(units[-1].last, last)
        else:
            _add(units, statement)
    return units


def _add(units: list[_Unit], statement: ast.stmt, owner: int | None = None) -> None:
    """A new unit for `statement`, or into the last one when it starts on that one's last line."""
    first, last = _lines(statement)
    if not (units and units[-1].owner == owner and first <= units[-1].last):
        units.append(_Unit(first, last, owner=owner))
    unit = units[-1]
    unit.last = max(unit.last, last)
    unit.imports &= isinstance(statement, ast.Import | ast.ImportFrom)
    unit.binds |= module_binds(statement, member=owner is not None)
    unit.statements.append(statement)


def _functions(unit: _Unit) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions defined in a unit, at any depth: under an `if` or `try`, in a nested
    class (each is summarised where it is defined)."""
    for statement in unit.statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield node


def _lines(statement: ast.stmt) -> tuple[int, int]:
    decorators = getattr(statement, "decorator_list", ())
    first = min([statement.lineno, *(d.lineno for d in decorators)])
    return first, statement.end_lineno or statement.lineno


def _kept(units: list[_Unit]) -> set[int]:
    """Seeds, what data flows on to from them, what all of those need, and class headers."""
    bound_by: dict[str, list[int]] = {}
    mentioned_by: dict[str, list[int]] = {}  # only names some unit binds are looked up
    bound = set().union(*(unit.binds for unit in units))
    for index, unit in enumerate(units):
        for name in () if unit.header else unit.binds:  # a class is needed whole or not at all
            bound_by.setdefault(name, []).append(index)
        for name in unit.mentions & bound:
            mentioned_by.setdefault(name, []).append(index)
    members: dict[int, list[int]] = {}
    for index, unit in enumerate(units):
        if unit.owner is not None:
            members.setdefault(unit.owner, []).append(index)
    # Classes this file uses outside their own body (`Export(path).run()`): an instance runs
    # `__init__` and its methods where it is used, so such a class is reached and kept whole.
    # Any other class is kept member by member, as the interpreter summarises them one by one.
    used = {header for header, inside in members.items() for name in units[header].binds
            if set(mentioned_by.get(name, ())) - {header, *inside}}
    classes = {name: header for header in used for name in units[header].binds}

    def onwards(i: int) -> Iterator[int]:
        """Units mentioning what `i` binds, and the whole of a used class reached (with the
        module-level code that uses it, but not other classes that merely name it)."""
        mentioning = (other for name in units[i].binds for other in mentioned_by.get(name, ()))
        if units[i].header:
            mentioning = (u for u in mentioning if units[u].owner is None
                          and not units[u].header)
        yield from mentioning
        if units[i].owner is None and not units[i].header:
            # `Reporter(customers).show()`: the data is handed to the class, whose methods
            # then run with it
            yield from (classes[name] for name in units[i].mentions & classes.keys())
        owner = units[i].owner
        if i in used:
            yield from members[i]
        elif owner is not None and owner in used:
            yield owner

    def needs(i: int) -> Iterator[int]:
        """The units binding what `i` mentions."""
        return (other for name in units[i].mentions & bound_by.keys() for other in bound_by[name])

    def owners(indexes: set[int]) -> set[int]:
        return {owner for owner in (units[i].owner for i in indexes) if owner is not None}

    reached: set[int] = set()
    reach(reached, (i for i, unit in enumerate(units) if unit.seed), onwards)
    kept: set[int] = set()
    reach(kept, [*reached, *(i for i, unit in enumerate(units) if unit.imports)], needs)
    kept |= owners(kept)
    # A used class a kept function makes (`def job(frame): Tool().add(frame, people)`) runs
    # there with what the function is given: kept whole, with what its members need.
    made = {classes[name] for i in kept if units[i].owner is None and not units[i].header
            for name in units[i].mentions & classes.keys()}
    reach(kept, [member for header in (reached & used) | made for member in members[header]],
          needs)
    return kept | made | owners(kept)
