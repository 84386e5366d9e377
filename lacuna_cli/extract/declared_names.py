"""What a name in a project module stands for, read from syntax trees without running code.

A declaration is recognised by what its base class or decorator is, and that is often bound in
another project module (`from crm import db; class Customer(db.Model)`, where `crm/__init__.py`
has `db = SQLAlchemy()`). The resolver parses the project modules it needs (each once per
process, by content digest), follows `import`, `from ... import` and assignments up to
`MAX_DEPTH` modules deep, and records what it read so the caller can key its cache by them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from lacuna_cli.extract.project_files import digest_of, parsed, relative, resolved
from lacuna_cli.extract.pyimports import module_file

# How many project modules deep a base class or an imported name is followed.
MAX_DEPTH = 3


@dataclass(frozen=True)
class ProjectName:
    """A name defined at the top level of a project module."""

    relpath: str
    name: str


Ref = str | ProjectName


@dataclass(frozen=True)
class FromImport:
    """`from source import name`, resolved (to a project module or a library) when used."""

    source: str
    level: int
    name: str


# How a module binds a top-level name: `import x` (a dotted library name), `from x import y`,
# or an assignment's value (resolved only when something asks what the name is).
Binding = str | FromImport | ast.expr


@dataclass
class ParsedModule:
    """A project module's tree with its top-level bindings and classes."""

    relpath: str
    tree: ast.Module
    names: dict[str, Binding] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)


class NameResolver:
    """Loads project modules on demand and says what their names stand for."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules: dict[str, ParsedModule | None] = {}
        self.depends: dict[str, str] = {}

    def load(self, relpath: str, tree: ast.Module | None = None) -> ParsedModule | None:
        if relpath in self.modules:
            return self.modules[relpath]
        self.modules[relpath] = None  # an import cycle ends here
        if tree is None:
            tree = self._tree(relpath)
            if tree is None:
                return None
        module = ParsedModule(relpath, tree)
        for statement in tree.body:
            self._bind(module, statement)
        self.modules[relpath] = module
        return module

    def _tree(self, relpath: str) -> ast.Module | None:
        path = self.root / relpath
        digest = digest_of(path)
        if digest is None:
            return None
        try:
            tree = parsed(path.read_text(encoding="utf-8"), (str(resolved(path)), digest))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            return None
        self.depends[relpath] = digest
        return tree

    def _bind(self, module: ParsedModule, statement: ast.stmt) -> None:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                bound = alias.asname or alias.name.split(".")[0]
                module.names[bound] = alias.name if alias.asname else bound
        elif isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                module.names[alias.asname or alias.name] = FromImport(
                    statement.module or "", statement.level, alias.name)
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(
                statement.targets[0], ast.Name):
            module.names[statement.targets[0].id] = statement.value
        elif isinstance(statement, ast.ClassDef):
            module.classes[statement.name] = statement
        elif isinstance(statement, ast.If | ast.Try):  # `if TYPE_CHECKING:`, `try: import`
            for inner in statement.body:
                self._bind(module, inner)

    def resolve(self, module: ParsedModule, node: ast.expr, depth: int) -> Ref | None:
        """The dotted library name or project class an expression stands for; a call stands
        for what it is called on (`declarative_base()` for `Base`), `Mapped[int]` for
        `Mapped`."""
        if isinstance(node, ast.Call | ast.Subscript):
            return self.resolve(module, node.func if isinstance(node, ast.Call) else node.value,
                                depth)
        if isinstance(node, ast.Name):
            return self.lookup(module, node.id, depth)
        if isinstance(node, ast.Attribute):
            base = self.resolve(module, node.value, depth)
            if isinstance(base, str):
                return f"{base}.{node.attr}"
            return None
        return None

    def lookup(self, module: ParsedModule, name: str, depth: int) -> Ref | None:
        """What a top-level name of `module` is: one of its classes, a library name, a class
        or library name another project module binds (`from crm import db`, where
        `db = SQLAlchemy()`), or what the expression assigned to it stands for."""
        if name in module.classes:
            return ProjectName(module.relpath, name)
        binding = module.names.get(name)
        if binding is None or isinstance(binding, str):
            return binding
        if depth >= MAX_DEPTH:
            return None
        if isinstance(binding, FromImport):
            found = module_file(binding.source, binding.level, module.relpath, self.root) \
                if binding.source else None
            if found is None:
                return f"{binding.source}.{binding.name}" if binding.source else None
            relpath = relative(found, self.root)
            other = self.load(relpath)
            return self.lookup(other, binding.name, depth + 1) if other is not None else None
        return self.resolve(module, binding, depth + 1)

    def annotation(self, module: ParsedModule, node: ast.expr) -> Ref | None:
        """What an annotation names, a string one (`"Mapped[int]"`) included."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except (SyntaxError, ValueError, RecursionError):
                return None
        return self.resolve(module, node, 0)

    def project_class(self, ref: Ref | None, depth: int
                      ) -> tuple[ParsedModule, ast.ClassDef] | None:
        """The module and class a reference names when it is a project class within reach."""
        if not isinstance(ref, ProjectName) or depth >= MAX_DEPTH:
            return None
        other = self.load(ref.relpath)
        if other is None or ref.name not in other.classes:
            return None
        return other, other.classes[ref.name]
