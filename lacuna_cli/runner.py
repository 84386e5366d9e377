"""What `lacuna run -- python pipeline.py` must check before it lets the script run: the script
and the project's own modules it imports, followed transitively.

Imports are read with `ast` (no code runs); a module counts as local when it resolves to a
file inside the project — beside the script, or from the project root — so installed
libraries are never analysed. Relative imports resolve from the importing file's package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

INTERPRETER_OPTIONS_WITH_VALUE = {"-W", "-X", "-c"}


def script_of(argv: list[str], root: Path) -> Path | None:
    """The Python file a command would run: `python [opts] file.py`, `python -m pkg.mod`, or
    `./file.py`; None when the command runs no Python file Lacuna can find."""
    words = list(argv)
    if words and Path(words[0]).suffix == ".py":
        return Path(words[0])
    words = words[1:]  # the interpreter
    while words and words[0].startswith("-") and words[0] != "-m":
        option = words.pop(0)
        if option in INTERPRETER_OPTIONS_WITH_VALUE and words:
            words.pop(0)
    if not words:
        return None
    if words[0] == "-m" and len(words) > 1:
        return _module_file(words[1], [Path.cwd(), root])
    return Path(words[0]) if Path(words[0]).suffix == ".py" else None


def _module_file(name: str, bases: list[Path]) -> Path | None:
    parts = name.split(".")
    for base in bases:
        for candidate in (base.joinpath(*parts).with_suffix(".py"),
                          base.joinpath(*parts, "__init__.py"),
                          base.joinpath(*parts, "__main__.py")):
            if candidate.is_file():
                return candidate
    return None


def _imported(path: Path) -> Iterator[tuple[str, int]]:
    """(module name, relative level) of every import in a file; nothing if it does not parse
    (the check reports the syntax error)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            yield module, node.level
            # `from pkg import mod` may name a module rather than an attribute
            yield from ((f"{module}.{alias.name}" if module else alias.name, node.level)
                        for alias in node.names)


def local_modules(script: Path, root: Path) -> list[Path]:
    """The script and every project file it imports, directly or not, in a stable order."""
    root = root.resolve()
    seen: dict[Path, None] = {}
    pending = [script.resolve()]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen[current] = None
        for name, level in _imported(current):
            if level:
                base = current.parent
                for _ in range(level - 1):
                    base = base.parent
                found = _module_file(name, [base]) if name else None
            else:
                found = _module_file(name, [script.resolve().parent, root])
            if found is not None and found.resolve().is_relative_to(root):
                pending.append(found.resolve())
    return sorted(seen)
