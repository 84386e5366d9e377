"""Whether a name another file calls can be a function of its module, from CPython's tree.

A caller asking for the summary of `mod.name` (or of the method `mod.Owner.name`) made the
interpreter parse the whole module with libcst and interpret its top level, only to find, as
often as not on a large project, that the name is a class (`argparse.ArgumentParser(...)`), a
method no class body defines, or nothing the module binds: no summary. On the CPython standard
library a third of the modules interpreted for callers told nothing at all. CPython's parser
is ten times cheaper and answers that question first: a name whose every module-level binding
is a class, or which nothing binds (without a `from x import *` that may bring it), is never
a function the interpreter could summarise; anything else is asked as before.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass

from lacuna_cli.extract.project_files import parsed

# A name's module-level bindings, by kind: `def`, `class`, `import`, `other` (any assignment,
# loop or `with` target, walrus, `except ... as`, a deletion).
Kinds = dict[str, frozenset[str]]
EVALUATED_WHERE_DEFINED = ("decorator_list", "bases", "keywords", "args", "returns")


@dataclass(frozen=True)
class ModuleBindings:
    """What a module's top level binds: each name's kinds of binding (`Owner.attr` for an
    attribute assigned on a module-level name), the functions each class body defines, the
    classes derived from others (which may inherit a method their body does not define), and
    whether it imports `*`."""

    kinds: Kinds
    methods: dict[str, frozenset[str]]
    star: bool
    derived: frozenset[str] = frozenset()

    def may_be_function(self, name: str) -> bool:
        """Whether `name` (`load`, or `Owner.method`) may be a function of this module once
        its top level has run; False only when it certainly is not."""
        owner, _, method = name.rpartition(".")
        if name in self.kinds and self.kinds[name] != {"class"}:
            return True
        if not owner:
            return name not in self.kinds and self.star
        owned = self.kinds.get(owner)
        if owned is None:
            return self.star
        return owned != {"class"} or method in self.methods.get(owner, frozenset()) \
            or owner in self.derived


# Modules already read, by resolved path and content digest.
_BINDINGS: dict[tuple[str, str], ModuleBindings | None] = {}


def module_bindings(source: str, key: tuple[str, str]) -> ModuleBindings | None:
    """The bindings of a module's top level, remembered by `key`; None when CPython cannot
    parse it (the caller then asks the interpreter, which reports why)."""
    if key not in _BINDINGS:
        try:
            _BINDINGS[key] = _scan(parsed(source, key))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            _BINDINGS[key] = None
    return _BINDINGS[key]


def _scan(tree: ast.Module) -> ModuleBindings:
    """Every binding in the module's own scope: its statements and the blocks nested in them,
    not the bodies of its functions and classes (their decorators, bases and defaults are
    evaluated at module level, so they are looked at too)."""
    kinds: defaultdict[str, set[str]] = defaultdict(set)
    methods: defaultdict[str, set[str]] = defaultdict(set)
    derived: set[str] = set()
    star = False
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            kinds[node.name].add("class" if isinstance(node, ast.ClassDef) else "def")
            if isinstance(node, ast.ClassDef):
                if node.bases:
                    derived.add(node.name)
                methods[node.name].update(
                    inner.name for inner in ast.walk(node)
                    if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef))
            for part in EVALUATED_WHERE_DEFINED:
                value = getattr(node, part, None)
                pending.extend(value if isinstance(value, list) else
                               [value] if isinstance(value, ast.AST) else [])
            continue
        if isinstance(node, ast.Lambda):
            pending.append(node.args)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                star |= alias.name == "*"
                kinds[(alias.asname or alias.name).split(".")[0]].add("import")
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            kinds[node.id].add("other")
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del) \
                and isinstance(node.value, ast.Name):
            kinds[f"{node.value.id}.{node.attr}"].add("other")
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            kinds[node.name].add("other")
        elif isinstance(node, ast.MatchMapping) and node.rest:
            kinds[node.rest].add("other")
        pending.extend(ast.iter_child_nodes(node))
    return ModuleBindings({name: frozenset(found) for name, found in kinds.items()},
                          {name: frozenset(found) for name, found in methods.items()}, star,
                          frozenset(derived))
