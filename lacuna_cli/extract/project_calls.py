"""Names a module imports from other files of the project that touch data.

The prefilter and the slice look for the catalog's entry points (`pd.read_csv(`, `.to_csv(`,
`requests.post(`), but pipelines hide them in their own helpers: `send_report(load())` in a
job whose helpers read customers in one file and post them to a partner in another spells no
entry point at all. Skipping that job (or blanking the statement) would let the send through
unseen, so a name imported from a project file counts as an entry point when what it names
there touches data: a function, class or module-level value whose text spells an entry point,
uses another such name of its module, or uses one its module imports from a file that touches
data, a few files deep.

It is the *name* that counts, not the module: a widely imported `utils.py` holding one loader
and thirty string helpers makes `utils.load_customers(...)` a seed, not every `utils.slug(x)`
(a module-wide rule sent every file importing such a module to libcst whole).

The project files consulted are returned too: the importer's cached analysis is valid only
while they stay as they are (a helper that starts reading customers makes its callers matter).
The same knowledge of what each name does tells the interpreter which functions of other files
are worth summarising for a caller (`may_tell_data`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from lacuna_cli.extract.catalog import Catalog
from lacuna_cli.extract.pyapi import COLLECT_METHODS
from lacuna_cli.extract.prefilter import IDENTIFIER, LINE, may_touch_data, touch_words
from lacuna_cli.extract.pybinds import module_binds
from lacuna_cli.extract.project_files import digest_of, parsed, relative, resolved
from lacuna_cli.extract.pyimports import module_file

EMPTY: frozenset[str] = frozenset()
MAX_DEPTH = 3  # helpers importing helpers: deeper chains are rare and each level costs a parse
BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


@dataclass(frozen=True)
class DataHelpers:
    """What a module's imports bind to data-touching names of other project files."""

    names: frozenset[str]  # `from etl.loaders import load_customers as customers`: customers
    attributes: frozenset[tuple[str, str]]  # `import etl.loaders`: (etl, load_customers)
    modules: frozenset[str]  # every project file consulted to tell, by relative path

    def named_in(self, mentions: AbstractSet[str]) -> bool:
        """Whether code spelling these identifiers may call one of the helpers (a module's
        attribute counts when both the module's name and the attribute are spelled)."""
        return not mentions.isdisjoint(self.names) or any(
            module in mentions and attribute in mentions
            for module, attribute in self.attributes)

    def __bool__(self) -> bool:
        return bool(self.names or self.attributes)


NO_HELPERS = DataHelpers(frozenset(), frozenset(), frozenset())


@dataclass(frozen=True)
class _Exports:
    names: frozenset[str]  # the module's top-level names that touch data
    modules: frozenset[str]
    classes: frozenset[str] = frozenset()  # its top-level classes
    # Names that may hand back data they are given: functions returning or yielding something
    # that spells a parameter or changing one in place (`frame["email"] = ...`, `inplace=True`,
    # `out.append(...)`), names imported from elsewhere; any name when it imports `*`.
    # A class counts only if it touches data (an exception or a parser handed text does not)
    # or a method of it changes in place an object it is given.
    passing: frozenset[str] = frozenset()
    star: bool = False


_NOTHING = _Exports(frozenset(), frozenset())
# (resolved path, digest, depth) -> what that project file exports that touches data, as read
# `depth` imports deep: the same file read deeper follows fewer of its own imports, so keyed
# without the depth, a file's answer was whichever depth first asked, and findings depended on
# the order files were analysed in. Depth grows along every chain, so no chain meets a file
# whose answer is still being made (an import cycle ends at MAX_DEPTH).
_EXPORTS: dict[tuple[str, str, int, str], _Exports] = {}


def data_helpers(tree: ast.Module, relpath: str, root: Path, catalog: Catalog,
                 depth: int = 0) -> DataHelpers:
    """The names and module attributes this module's imports bind to data-touching names of
    project files."""
    return _helpers_of(tuple(_imports(tree.body)), relpath, root, catalog, depth)


def _helpers_of(statements: Sequence[ast.Import | ast.ImportFrom], relpath: str, root: Path,
                catalog: Catalog, depth: int) -> DataHelpers:
    """`data_helpers` of a module whose import statements are `statements`."""
    names: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    modules: set[str] = set()

    def exported(path: Path | None) -> frozenset[str]:
        exports = _exports(path, root, catalog, depth)
        modules.update(exports.modules)
        return exports.names

    for statement in statements:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                bound = alias.asname or alias.name.split(".")[0]
                attributes.update((bound, name) for name in
                                  exported(module_file(alias.name, 0, relpath, root)))
            continue
        module = statement.module or ""
        # (`from . import load`: the names of the package's own `__init__.py`)
        whole = exported(module_file(module, statement.level, relpath, root)) \
            if module or statement.level else frozenset()
        for alias in statement.names:
            if alias.name == "*":
                names.update(whole)
                continue
            bound = alias.asname or alias.name
            if alias.name in whole:
                names.add(bound)
            # `from etl import loaders` imports a module: its data-touching attributes count
            inner = module_file(f"{module}.{alias.name}".lstrip("."), statement.level,
                                relpath, root)
            attributes.update((bound, name) for name in exported(inner))
    modules.discard(relpath)
    return DataHelpers(frozenset(names), frozenset(attributes), frozenset(modules))


def may_tell_data(qualname: str, importer: str, root: Path, catalog: Catalog,
                  data_given: bool) -> bool:
    """Whether the summary of a function, or of a method of a class, of another project file,
    named as the importer calls it (`etl.loaders.load_customers`, `.io.Reader.read`), can tell
    anything: it touches data there, or it is handed data (`data_given`) and may hand it back.
    Asking for a summary parses and interprets its whole module, and a large project calls
    many functions of its own modules that do neither (`utils.slug("A")`, `os.path.join`)."""
    for method in (False, True):
        module, _, name = qualname.rpartition(".")
        if method:
            module, _, name = module.rpartition(".")
        bare = module.lstrip(".")
        if not name or not module:  # (`.load`: a name of the package's own `__init__.py`)
            continue
        exports = _exports(module_file(bare, len(module) - len(bare), importer, root), root,
                           catalog, 0)
        if method and name not in exports.classes:
            continue
        if name in exports.names or (data_given and (exports.star or name in exports.passing)):
            return True
    return False


def _logs(node: ast.AST, log_calls: frozenset[str]) -> bool:
    """Whether `node` is a call of a log (`print(...)`, `log.info(...)`)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr \
        if isinstance(func, ast.Attribute) else None
    return name in log_calls


def _imports(statements: Sequence[ast.AST]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements among `statements` and the blocks nested in them (a function's
    `from etl.partner import send_report` too), without visiting any expression: this runs on
    every analysed file, and a full `ast.walk` of a large module costs milliseconds."""
    for statement in statements:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            yield statement
            continue
        for block in BLOCKS:
            inner = getattr(statement, block, None)
            if isinstance(inner, list):
                yield from _imports(inner)


def _exports(path: Path | None, root: Path, catalog: Catalog, depth: int) -> _Exports:
    """The top-level names of a project file that touch data, and the files consulted."""
    if path is None or depth >= MAX_DEPTH:
        return _NOTHING
    try:
        digest = digest_of(path)
        if digest is None:
            return _NOTHING
        file = (str(resolved(path)), digest)
        key = (*file, depth, catalog.digest)
        if key in _EXPORTS:
            return _EXPORTS[key]
        relpath = relative(path, root)
        facts = _facts_of(path, file, catalog)
        imported = _helpers_of(facts.imports, relpath, root, catalog, depth + 1)
        _EXPORTS[key] = _Exports(_touching_names(facts, imported), imported.modules | {relpath},
                                 facts.classes, facts.passing, facts.star)
    except (OSError, ValueError, SyntaxError, RecursionError):
        return _NOTHING
    return _EXPORTS[key]


@dataclass(frozen=True)
class _Facts:
    """What a project file's text says, whatever depth it is read at: its import statements,
    what each top-level statement binds and spells, and what `_passing` tells."""

    imports: tuple[ast.Import | ast.ImportFrom, ...]
    # (names bound, identifiers spelled, whether its text spells an entry point or a write)
    units: tuple[tuple[frozenset[str], frozenset[str], bool], ...]
    libraries: frozenset[str]  # every name its imports bind
    classes: frozenset[str]
    passing: frozenset[str]
    star: bool


# (resolved path, digest, catalog digest) -> its facts: read once, whichever depths ask (what
# touches data is the catalog's to say: a process may analyse with another catalog later)
_FACTS: dict[tuple[str, str, str], _Facts] = {}


def _facts_of(path: Path, file: tuple[str, str], catalog: Catalog) -> _Facts:
    key = (*file, catalog.digest)
    found = _FACTS.get(key)
    if found is not None:
        return found
    text = path.read_text(encoding="utf-8", errors="replace")
    tree = parsed(text, file)
    lines = LINE.findall(text)
    words = touch_words(catalog)
    units = []
    for statement in tree.body:
        first = min([statement.lineno, *(d.lineno for d in
                                         getattr(statement, "decorator_list", ()))])
        segment = "".join(lines[first - 1:statement.end_lineno or statement.lineno])
        mentions = frozenset(IDENTIFIER.findall(segment))
        touches = not mentions.isdisjoint(words) and may_touch_data(segment, catalog)
        # a touching statement's binds count whatever it spells: no need to keep what it does
        units.append((frozenset(module_binds(statement)), EMPTY if touches else mentions,
                      touches))
    imports = tuple(_imports(tree.body))
    libraries = frozenset(name for statement in imports for name in module_binds(statement))
    found = _FACTS[key] = _Facts(imports, tuple(units), libraries,
                                 *_passing(tree, catalog.log_calls))
    return found


def _touching_names(facts: _Facts, imported: DataHelpers) -> frozenset[str]:
    """The names a module's top-level statements bind whose text touches data: it spells an
    entry point or a write, names a data-touching import, or names another touching statement's
    binding (a loader calling a reader of the same file), to a fixed point."""
    touching = set(imported.names)  # re-exported too (`from .loaders import *`)
    units: list[tuple[frozenset[str], frozenset[str]]] = []
    for binds, mentions, touches in facts.units:
        if touches or imported.named_in(mentions):
            touching |= binds
        else:
            units.append((binds, mentions))
    grew = bool(touching)
    while grew:
        grew = False
        for binds, mentions in units:
            if not binds <= touching and not mentions.isdisjoint(touching):
                touching |= binds
                grew = True
    # `import pandas as pd` (under an `if` too): touches data, but is no helper of this module
    return frozenset(touching - (facts.libraries - imported.names))


def _passing(tree: ast.Module, log_calls: frozenset[str]
             ) -> tuple[frozenset[str], frozenset[str], bool]:
    """A module's top-level classes, the names that may hand back or log data they are given
    (see `_Exports.passing`: `def dump(df): print(df.head())` logs what its callers pass), and
    whether it imports `*`."""
    classes = {s.name for s in tree.body if isinstance(s, ast.ClassDef)}
    passing: set[str] = set()
    star = False
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom):
            star |= any(alias.name == "*" for alias in statement.names)
            passing |= {alias.asname or alias.name for alias in statement.names}
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef) and \
                parameter_reaches(statement, lambda node: _logs(node, log_calls) or (
                    isinstance(node, ast.Return | ast.Yield | ast.YieldFrom)
                    and node.value is not None) or _changes_in_place(node)):
            passing.add(statement.name)
        elif isinstance(statement, ast.ClassDef) and any(
                _changes_an_argument(method) for method in statement.body
                if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef)):
            passing.add(statement.name)  # `Tool().add(orders, people)` changes `orders`
    return frozenset(classes), frozenset(passing), star


def _changes_an_argument(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a method may change in place an object it is given (a parameter after `self`:
    `def add(self, frame, people): frame["email"] = people["email"]`)."""
    return parameter_reaches(method, _changes_in_place, instance=True)


def _changes_in_place(node: ast.AST) -> bool:
    """Whether `node` may change an object in place: an item or attribute assigned, a method
    called with `inplace=`, an item put into a collection, a call whose result is dropped
    (`add_contacts(frame, people)`: another helper may change what it is given)."""
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Call)
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(target, ast.Subscript | ast.Attribute) for target in targets)
    return isinstance(node, ast.Call) and (
        any(keyword.arg == "inplace" for keyword in node.keywords)
        or (isinstance(node.func, ast.Attribute) and node.func.attr in COLLECT_METHODS))


def logs_a_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef,
                     log_calls: frozenset[str]) -> bool:
    """Whether `function` logs something spelling one of its parameters (`print(df.head())`):
    what its callers pass is shown, even where nothing in its own file calls it."""
    return parameter_reaches(function, lambda node: _logs(node, log_calls))


def parameter_reaches(function: ast.FunctionDef | ast.AsyncFunctionDef,
                      where: Callable[[ast.AST], bool], instance: bool = False) -> bool:
    """Whether a node of `function` for which `where` holds spells one of its parameters, or a
    name made from one (`for x in it: buf.append(x)` ... `yield buf`); with `instance`, the
    first is a method's `self` and does not count."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args][1 if instance else 0:]
    params = {a.arg for a in (*positional, *arguments.kwonlyargs, arguments.vararg,
                              arguments.kwarg) if a is not None}
    derived = _derived_names(function, params)
    return any(isinstance(node, ast.Name) and node.id in derived
               for found in ast.walk(function) if where(found) for node in ast.walk(found))


FILLING_METHODS = frozenset({"append", "extend", "add", "update", "insert", "appendleft",
                             "setdefault"})


def _derived_names(function: ast.FunctionDef | ast.AsyncFunctionDef,
                   params: set[str]) -> set[str]:
    """`params` and every name of the function bound from them, in any order (a cheap
    over-approximation, for deciding whether a summary is worth making): assigned from an
    expression spelling one, a loop or `with` target over one, a list or dict filled with
    one (`buf.append(x)`, `rows[k] = x`)."""
    derived = set(params)
    flows = [({n.id for source in sources for n in ast.walk(source) if isinstance(n, ast.Name)},
              _bound(target)) for node in ast.walk(function) for sources, target in _flows(node)]
    while True:
        before = len(derived)
        for spelled, bound in flows:
            if spelled & derived:
                derived |= bound
        if len(derived) == before:
            return derived


def _flows(node: ast.AST) -> list[tuple[list[ast.AST], ast.AST]]:
    """(what flows, where it lands) of one node: an assignment's value into its targets, a
    loop's iterable or a `with`'s context into its target, a filling call's arguments into
    the object filled."""
    if isinstance(node, ast.Assign):
        return [([node.value], target) for target in node.targets]
    if isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
        return [([node.value], node.target)]
    if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
        return [([node.iter], node.target)]
    if isinstance(node, ast.withitem) and node.optional_vars is not None:
        return [([node.context_expr], node.optional_vars)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in FILLING_METHODS:
        return [([*node.args, *(k.value for k in node.keywords)], node.func.value)]
    return []


def _bound(target: ast.AST) -> set[str]:
    """The names an assignment target binds or fills (`rows[k]` and `self.rows` fill the
    object their base names)."""
    while isinstance(target, ast.Subscript | ast.Attribute):
        target = target.value
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
