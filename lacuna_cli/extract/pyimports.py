"""Names a module takes from other modules of the same project.

Real pipelines keep their paths and SQL in a module of their own (`from config import DATA_DIR`,
`from sql_queries import *`, `import settings; settings.OUTPUT`). The interpreter resolves such
an import to the project file Python would load and reads that file's module-level constants
(strings, lists of strings, paths built from `__file__`), so a path or a query defined there is
as known as one written in place; text built with run-time parts crosses as what is written of
it (`f"https://sqs.{AWS_REGION}.amazonaws.com/246813579024/intake"`). Only constants cross: the
other module's operations are its own file's findings.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lacuna_cli.extract.import_roots import forget_import_roots, import_bases
from lacuna_cli.extract.prefilter import LINE
from lacuna_cli.extract.pybindings import module_bindings
from lacuna_cli.extract.project_files import digest_of, forget, parsed, relative, resolved
from lacuna_cli.extract.pyvalues import Dynamic, Record, Strings, Text, Value
from lacuna_cli.models import LineageEdge, Operation, Resource

# How deep `a` importing `b` importing `c` is followed: settings modules rarely chain further.
MAX_DEPTH = 2
# Module-level statements that can bind a constant; the rest of a module is blanked before it
# is interpreted (its functions and classes are that file's own findings, not constants).
BINDING = (ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom)
# Project files imports resolved to this run, by (module, level, importer's folder, root).
_FOUND: dict[tuple[str, int, str, str], Path | None] = {}
# Constants of modules already read in this process, by path, content digest and the depth
# they were read at (deeper readers follow fewer imports, so the answers differ; keying by
# depth keeps a run's findings independent of which file a worker happened to take first):
# a module many files import is interpreted once per worker and depth.
_READ: dict[tuple[str, str, int], dict[str, Value]] = {}


@dataclass(frozen=True)
class ProjectModule:
    """A project file an import resolved to, and the digest its constants were read at."""

    relpath: str
    digest: str


def module_file(module: str, level: int, importer: str, root: Path) -> Path | None:
    """The project file `import module` (with `level` leading dots) loads from `importer`:
    beside the importer first (the script's folder is sys.path[0]), then the project root and
    a `src/` layout. None when it is not a file of this project. Looked up once per run and
    folder (see `forget_module_files`): every analysed file asks for each name it imports,
    the helpers it calls and their imports again, and each look-up resolves paths."""
    folder = (root / importer).parent
    key = (module, level, str(folder), str(root))
    if key not in _FOUND:
        _FOUND[key] = _find_module_file(module, level, folder, root)
    return _FOUND[key]


def forget_module_files() -> None:
    """Start a new run: files may have been added, changed, moved or removed since the last."""
    _FOUND.clear()
    forget_import_roots()
    forget()


def _find_module_file(module: str, level: int, folder: Path, root: Path) -> Path | None:
    """(`from . import load`: the package's own `__init__.py`, with no module after the dots.)"""
    parts = [p for p in module.split(".") if p]
    if not parts and not level:
        return None
    if level:
        bases = [folder.parents[level - 2] if level > 1 else folder]
    else:
        bases = [folder, root, root / "src"]
    found = _in_bases(parts, bases, root)
    if found is None and not level and parts:  # a package elsewhere in the project
        found = _in_bases(parts, list(import_bases(parts[0], root, folder)), root)
    return found


def _in_bases(parts: list[str], bases: list[Path], root: Path) -> Path | None:
    """The module `parts` names under the first of `bases` that holds it, inside `root`."""
    for base in bases:
        stem = base.joinpath(*parts)
        candidates = (stem.with_suffix(".py"), stem / "__init__.py") if parts else (
            stem / "__init__.py",)
        for candidate in candidates:
            try:
                if candidate.is_file() and resolved(candidate).is_relative_to(resolved(root)):
                    return candidate
            except (OSError, ValueError):
                continue
    return None


Reader = Callable[[str, str], dict[str, Value]]  # (source, relpath) -> module-level values


@dataclass(frozen=True)
class ReturnedFlow:
    """One way data reaches what a function of another project file returns: a parameter
    (`param`: index, name, and whether the function reads the path the caller passes:
    `load(path)`) or, `param` None, the places it reads itself (`own`); `steps` are the lineage
    edges its body takes that data along (a drop, a hash, an aggregate), which the caller's
    data takes too: `drop_pii(df)` of a helpers module returns df without its personal
    columns."""

    param: tuple[int | None, str, bool] | None
    own: tuple[Resource, ...] = ()
    steps: tuple[LineageEdge, ...] = ()


@dataclass(frozen=True)
class ReturnedMutation:
    """A parameter (index, name) whose object a function of another project file changes in
    place (`add_contacts(orders, people)` setting `orders["email"]`): what reaches it."""

    param: tuple[int | None, str]
    flows: tuple[ReturnedFlow, ...]
    columns: tuple[str, ...] | None


@dataclass(frozen=True)
class ReturnedElement:
    """One position of the tuples a function of another project file returns (`return
    customers, sales`): what reaches it (see `Summary.elements`)."""

    flows: tuple[ReturnedFlow, ...]
    columns: tuple[str, ...] | None


@dataclass(frozen=True)
class Returned:
    """Where the data a function of another project file returns comes from (`flows`), and
    its columns where the body says (`columns`)."""

    flows: tuple[ReturnedFlow, ...]
    columns: tuple[str, ...] | None
    # Writes and sends in its body that a parameter reaches (`server.send_message(msg)` with
    # `msg` holding the frame it is given), and each parameter's placeholder name -> (index,
    # name, kind of place it names): applied where the function is called (`pyproject`).
    sinks: tuple[Operation, ...] = ()
    placeholders: tuple[tuple[str, tuple[int | None, str, str]], ...] = ()
    static: bool = False  # a staticmethod: the call's arguments are its parameters, no `self`
    # Placeholder names of the parameters whose place the function reads (`pd.read_csv(src)`):
    # what reaches its sinks from one of them is the data at the place the caller names.
    read: frozenset[str] = frozenset()
    templated: frozenset[str] = frozenset()  # see `Summary.templated`: asked with constants
    mutated: tuple[ReturnedMutation, ...] = ()  # see `Summary.mutated`
    elements: tuple[ReturnedElement, ...] = ()  # see `Summary.elements`

    @property
    def own(self) -> tuple[Resource, ...]:
        return tuple(r for flow in self.flows if flow.param is None for r in flow.own)

    @property
    def params(self) -> tuple[tuple[int | None, str, bool], ...]:
        return tuple(flow.param for flow in self.flows if flow.param is not None)


@dataclass(frozen=True)
class Constants:
    """What a caller gives a function or a method of a project class that can be told, by
    position or keyword: the instance's constructor arguments (a constant's text, None for a
    value known only at run time) and the call's constant arguments. `CsvExporter().export(
    df, "x")` keeps the exporter's default folder on `self` and names the file: the method's
    writes are told with both; `load("customers")` reads `f"data/{name}.csv"`."""

    init: tuple[tuple[int | str, str | None], ...] = ()
    call: tuple[tuple[int | str, str], ...] = ()
    # Every position and keyword the call passes, constant or not (None: not told): a
    # parameter it does not pass has its default (`fmt="parquet"`).
    passed: tuple[int | str, ...] | None = None
    # The constructor arguments that are data (`Exporter(customers)`): `self` then holds
    # the caller's data, which reaches the method's writes and sends through it.
    data: tuple[int | str, ...] = ()


# (source, relpath, function name, what a method's caller gives) -> what it returns, or None
Returns = Callable[[str, str, str, Constants | None], Returned | None]
# Functions of other modules already resolved in this process, by path, digest, name, what the
# caller gives and the depth asked at (see `_READ`).
_RETURNED: dict[tuple[str, str, str, Constants | None, int, str], Returned | None] = {}


class ProjectImports:
    """Constants of the project modules one file imports, each module read once."""

    def __init__(self, root: Path, read: Reader, returns: Returns, depth: int = 0,
                 catalog: str = "") -> None:
        self.root = root
        self.read = read
        self.returns = returns
        self.depth = depth
        self.catalog = catalog  # the digest of the catalog summaries are made with
        self.used: dict[str, ProjectModule] = {}
        self._constants: dict[str, dict[str, Value]] = {}

    def is_project(self, module: str, level: int, importer: str) -> bool:
        """Whether an import names another file of this project."""
        path = module_file(module, level, importer, self.root)
        return path is not None and resolved(path) != resolved(self.root / importer)

    def names_module(self, qualname: str, importer: str) -> bool:
        """Whether a project name is a module of this project (`etl.loaders`, bound by `import
        etl.loaders` or `from etl import loaders`), not a value one of its functions made."""
        module = qualname.lstrip(".")
        return self.is_project(module, len(qualname) - len(module), importer)

    def constants(self, module: str, level: int, importer: str) -> dict[str, Value] | None:
        """The constants of the project module an import names, or None if it is not one."""
        if self.depth >= MAX_DEPTH:
            return None
        path = module_file(module, level, importer, self.root)
        if path is None:
            return None
        relpath = relative(path, self.root)
        if relpath == importer:
            return None
        if relpath not in self._constants:
            digest = digest_of(path)
            if digest is None:
                return None
            key = (str(resolved(path)), digest, self.depth)
            if key not in _READ:
                _READ[key] = self._read_constants(path, relpath, (key[0], digest))
            self._constants[relpath] = _READ[key]
            self.used[relpath] = ProjectModule(relpath, digest)
        return self._constants[relpath]

    def _project_file(self, module: str, importer: str) -> tuple[Path, str, str] | None:
        """The path, project path and digest of the project module `module` (`pkg.base`,
        `.base` from `importer`); None when it is not a file of this project or is too deep in
        an import chain."""
        level = len(module) - len(module.lstrip("."))
        if self.depth >= MAX_DEPTH:
            return None
        path = module_file(module.lstrip("."), level, importer, self.root)
        digest = digest_of(path) if path is not None else None
        if path is None or digest is None:
            return None
        return path, relative(path, self.root), digest

    def module_source(self, module: str, importer: str) -> tuple[str, str] | None:
        """The source and project path of the project module `module`, which the importer's
        analysis now depends on; None when it is not a readable file of this project."""
        found = self._project_file(module, importer)
        if found is None:
            return None
        path, relpath, digest = found
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        self.used[relpath] = ProjectModule(relpath, digest)  # a change there re-analyses
        return source, relpath

    def returned(self, qualname: str, importer: str, method: bool = False,
                 constants: Constants | None = None) -> Returned | None:
        """Where what a function of another project file returns comes from, from the name it
        was imported as (`etl.helpers.load_customers`, `.helpers.load`); None when it is not a
        top-level function of a project file (a class, a method). Asked only when its result
        is written, sent or handed to a function here, so a module is interpreted whole only
        for the functions whose data goes somewhere. With `method`, `exporters.CsvExporter.
        export` is the method of a project class (its first parameter is `self`), and
        `constants` what the caller gives it and its instance (see `Constants`)."""
        module, _, name = qualname.rpartition(".")
        if method:
            module, _, owner = module.rpartition(".")
            name = f"{owner}.{name}"
        found = self._project_file(module, importer) if name else None
        if found is None:
            return None
        path, relpath, digest = found
        key = (str(resolved(path)), digest, name, constants, self.depth, self.catalog)
        if key not in _RETURNED:
            try:
                source = path.read_text(encoding="utf-8")
                bindings = module_bindings(source, (key[0], digest))
                # a class or a name the module never binds: no summary, and no parse for it
                _RETURNED[key] = self.returns(source, relpath, name, constants) if (
                    bindings is None or bindings.may_be_function(name)) else None
            except (OSError, UnicodeDecodeError, SyntaxError, RecursionError, ValueError):
                _RETURNED[key] = None
        self.used[relpath] = ProjectModule(relpath, digest)  # a change there re-analyses
        return _RETURNED[key]

    def _read_constants(self, path: Path, relpath: str, file: tuple[str, str]
                        ) -> dict[str, Value]:
        try:
            reduced = bindings_only(path.read_text(encoding="utf-8"), file)
            values = self.read(reduced, relpath) if reduced is not None else {}
        except (OSError, UnicodeDecodeError, SyntaxError, RecursionError, ValueError):
            return {}
        return {name: value for name, value in values.items()
                if isinstance(value, Text | Strings | Record)
                or (isinstance(value, Dynamic) and value.written is not None)}


def bindings_only(source: str, file: tuple[str, str]) -> str | None:
    """`source` (of the file whose resolved path and digest are `file`) without the top-level
    statements that bind no constant (functions, classes, loops, calls): what is left parses in
    a fraction of the time (nothing found in it is reported, so its lines need not stay where
    they were). None when no statement assigns a name a value built from text (a path, SQL, a
    config dict)."""
    tree = parsed(source, file)
    if not any(_names_text(statement) for statement in tree.body):
        return None
    lines = LINE.findall(source)
    keep: set[int] = set()
    for statement in tree.body:
        if isinstance(statement, BINDING):
            keep.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    return "".join(line for number, line in enumerate(lines, start=1) if number in keep)


def _names_text(statement: ast.stmt) -> bool:
    """`NAME = <something with a string in it>` for a public name: a constant worth reading."""
    if isinstance(statement, ast.Assign):
        targets, value = statement.targets, statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets, value = [statement.target], statement.value
    else:
        return False
    named = any(isinstance(t, ast.Name) and not t.id.startswith("__") for t in targets)
    return named and any((isinstance(node, ast.Constant) and isinstance(node.value, str))
                         or isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Name)
                         and node.id == "__file__") for node in ast.walk(value))
