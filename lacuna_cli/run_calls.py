"""Where one Python file hands control to other code: its imports, and the calls that run code
given to them (`exec(open("x.py").read())`, `runpy`, `importlib.import_module`, `subprocess`).

`lacuna run` must check everything a command will execute, so each such place becomes a target
to follow when it is written literally, or a `Blind` spot when it is known only at run time
(the run is then refused). Which calls run code is data (`rules/run/calls.yaml`); this module only
reads a file's syntax tree — nothing in it runs.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lacuna_cli.shipped import shipped_dir
from lacuna_cli.yamlfile import read_yaml

PYTHON = "<the running Python>"  # a word that is the interpreter itself (`sys.executable`)
Word = str | None  # a command word; None when it is known only at run time
BUILTIN_NAMES = frozenset(dir(builtins))
OPENERS = {"builtins.open", "io.open", "codecs.open"}
PATH_TYPES = {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath"}


@dataclass(frozen=True)
class RunRules:
    """`rules/run/calls.yaml`: the calls that run other code, and how to read their arguments."""

    interpreter: re.Pattern[str]
    launchers: frozenset[str]
    code: dict[str, dict[str, Any]]
    files: dict[str, dict[str, Any]]
    modules: dict[str, dict[str, Any]]
    commands: dict[str, dict[str, Any]]
    programs: dict[str, dict[str, Any]]

    def is_interpreter(self, word: Word) -> bool:
        return word == PYTHON or (word is not None
                                  and self.interpreter.match(Path(word).name) is not None)


@cache
def run_rules() -> RunRules:
    data = read_yaml(shipped_dir("rules") / "run" / "calls.yaml")
    return RunRules(re.compile(data["interpreter"]), frozenset(data["launchers"]),
                    data["code"], data["files"], data["modules"], data["commands"],
                    data["programs"])


@dataclass(frozen=True)
class Module:
    """`import name` (`level` dots for a relative import); `main`: run as a program."""
    name: str
    level: int
    line: int
    main: bool = False


@dataclass(frozen=True)
class File:
    """A Python file (or folder with __main__.py) that runs, as written: relative to the cwd."""
    path: str
    line: int


@dataclass(frozen=True)
class Code:
    """Code text written in the file and run by exec/eval."""
    text: str
    line: int


@dataclass(frozen=True)
class Command:
    """A command a file starts; `shell`: one string for a shell to read; `cwd`: the folder it
    starts in (`cwd="..."`); `environment`: it gets an environment of its own (`env=...`)."""
    words: tuple[Word, ...]
    shell: bool
    line: int
    cwd: str | None = None
    environment: bool = False


@dataclass(frozen=True)
class Blind:
    """Code runs here that cannot be known before the run."""
    why: str
    line: int


Target = Module | File | Code | Command | Blind


def targets_in(tree: ast.Module) -> list[Target]:
    """Every import and every code-running call in a parsed file, in source order."""
    reader = _Reader(tree, run_rules())
    found: list[Target] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(Module(alias.name, 0, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module:
                found.append(Module(module, node.level, node.lineno))
            # `from pkg import mod` may name a module rather than an attribute
            found.extend(Module(f"{module}.{alias.name}" if module else alias.name, node.level,
                                node.lineno) for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call):
            found.extend(reader.call(node))
    return sorted(found, key=lambda target: target.line)


class _Reader:
    """Names a call resolves to through the file's imports, and the literal values of its
    arguments."""

    def __init__(self, tree: ast.Module, rules: RunRules) -> None:
        self.rules = rules
        self.aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        self.aliases[head] = head
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        self.constants = _single_assignments(tree)

    def qualified(self, node: ast.expr) -> str | None:
        """`sp.run` → `subprocess.run` after `import subprocess as sp`; builtins as
        `builtins.NAME`; None for anything else (a local object, a call result)."""
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            return f"builtins.{node.id}" if node.id in BUILTIN_NAMES else None
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def call(self, node: ast.Call) -> list[Target]:
        name = self.qualified(node.func)
        rules = self.rules
        if name is None:
            return []
        line = node.lineno
        if name in rules.code:
            return [self._code(node, name, rules.code[name])]
        if name in rules.files:
            path = self.text(_argument(node, rules.files[name]))
            return [File(path, line) if path is not None
                    else Blind(f"{name}() of a file known only at run time", line)]
        if name in rules.modules:
            return [self._module(node, name, rules.modules[name])]
        if name in rules.commands:
            return [self._command(node, name, rules.commands[name])]
        if name in rules.programs:
            return [self._program(node, name, rules.programs[name])]
        return []

    def text(self, node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            value = self.constants.get(node.id)
            return value if isinstance(value, str) else None
        return None

    def word(self, node: ast.expr) -> Word:
        return PYTHON if self.qualified(node) == "sys.executable" else self.text(node)

    def _code(self, node: ast.Call, name: str, spec: dict[str, Any]) -> Target:
        argument = _argument(node, spec)
        if spec.get("file"):
            path = self.text(argument)
            return (File(path, node.lineno) if path is not None
                    else Blind(f"{name}() of a file known only at run time", node.lineno))
        source = self._source(argument)
        if source is None:
            return Blind(f"{name}() of code known only at run time", node.lineno)
        return source

    def _source(self, node: ast.expr | None) -> Code | File | None:
        """The code an expression holds: literal text, or a file read whole."""
        if node is None:
            return None
        line = node.lineno
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            value = node.value
            return Code(value if isinstance(value, str) else value.decode("utf-8", "replace"),
                        line)
        if isinstance(node, ast.Name):
            bound = self.constants.get(node.id)
            return Code(bound, line) if isinstance(bound, str) else None
        if not isinstance(node, ast.Call):
            return None
        if self.qualified(node.func) == "builtins.compile":
            return self._source(_argument(node, self.rules.code["builtins.compile"]))
        if not isinstance(node.func, ast.Attribute):
            return None
        reader, method = node.func.value, node.func.attr
        path = self._opened(reader) if method == "read" else (
            self._path(reader) if method in ("read_text", "read_bytes") else None)
        return File(path, line) if path is not None else None

    def _opened(self, node: ast.expr) -> str | None:
        """The literal path of `open("x")`, or of a name bound once to it."""
        if isinstance(node, ast.Name):
            value = self.constants.get(node.id)
            return value.path if isinstance(value, File) else None
        if isinstance(node, ast.Call) and self.qualified(node.func) in OPENERS and node.args:
            return self.text(node.args[0])
        return None

    def _path(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Call) and self.qualified(node.func) in PATH_TYPES \
                and len(node.args) == 1:
            return self.text(node.args[0])
        return None

    def _module(self, node: ast.Call, name: str, spec: dict[str, Any]) -> Target:
        module = self.text(_argument(node, spec))
        if module is None:
            return Blind(f"{name}() of a module known only at run time", node.lineno)
        level = len(module) - len(module.lstrip("."))
        if level:
            anchor = self.text(_argument(node, {"arg": spec.get("package"),
                                                "keyword": "package"}))
            if anchor is None:
                return Blind(f"{name}() of a relative module without a literal package",
                             node.lineno)
            parts = anchor.split(".")
            module = ".".join([*parts[:len(parts) - level + 1], module.lstrip(".")]).rstrip(".")
        return Module(module, 0, node.lineno, bool(spec.get("main")))

    def _command(self, node: ast.Call, name: str, spec: dict[str, Any]) -> Target:
        if any(k.arg == "executable" for k in node.keywords):
            return Blind(f"{name}(executable=...) replaces the program Lacuna would check",
                         node.lineno)
        shell = bool(spec.get("shell")) or any(
            k.arg == "shell" and not (isinstance(k.value, ast.Constant) and not k.value.value)
            for k in node.keywords)
        argument = _argument(node, spec)
        if isinstance(argument, (ast.List, ast.Tuple)) and not shell:
            words = self._words(argument.elts)
        else:
            text = self.word(argument) if argument is not None else None
            words = (text,) if text is not None else None
        if words is None:
            return Blind(f"{name}() of a command known only at run time", node.lineno)
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        cwd = self.text(keywords["cwd"]) if "cwd" in keywords else None
        if "cwd" in keywords and cwd is None:
            return Blind(f"{name}() in a folder known only at run time", node.lineno)
        return Command(words, shell, node.lineno, cwd, "env" in keywords)

    def _program(self, node: ast.Call, name: str, spec: dict[str, Any]) -> Target:
        index, style = spec["arg"], spec["argv"]
        args = node.args
        blind = Blind(f"{name}() of a command known only at run time", node.lineno)
        if len(args) <= index or any(isinstance(a, ast.Starred) for a in args):
            return blind
        program = self.word(args[index])
        if style == "list":
            rest = args[index + 1] if len(args) > index + 1 else None
            if not isinstance(rest, (ast.List, ast.Tuple)):
                return blind
            words = self._words(rest.elts[1:])
        else:
            words = self._words(args[index + (1 if style == "rest_all" else 2):])
        return Command((program, *words), False, node.lineno) if words is not None else blind

    def _words(self, nodes: list[ast.expr]) -> tuple[Word, ...] | None:
        """The words of a literal list; None when its length is unknown (`*args`)."""
        if any(isinstance(n, ast.Starred) for n in nodes):
            return None
        return tuple(self.word(n) for n in nodes)


def _argument(node: ast.Call, spec: dict[str, Any]) -> ast.expr | None:
    """The argument at position `arg` or passed as `keyword`; None when absent or hidden in
    `*args` / `**kwargs`."""
    index = spec.get("arg")
    positional = node.args
    if index is not None:
        for position, value in enumerate(positional):
            if isinstance(value, ast.Starred):
                return None
            if position == index:
                return value
    for keyword in node.keywords:
        if keyword.arg == spec.get("keyword"):
            return keyword.value
    return None


def _single_assignments(tree: ast.Module) -> dict[str, str | File]:
    """Names bound exactly once in the file, to a string literal or to `open("literal")`
    (`with open("x.py") as f:`): what `exec(f.read())` or `run_path(path)` refers to."""
    stores = Counter(node.id for node in ast.walk(tree)
                     if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store))
    bound: dict[str, str | File] = {}
    for node in ast.walk(tree):
        pairs: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            pairs.append((node.targets[0], node.value))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            pairs.append((node.target, node.value))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            pairs.extend((item.optional_vars, item.context_expr) for item in node.items
                         if item.optional_vars is not None)
        for target, value in pairs:
            if not isinstance(target, ast.Name) or stores[target.id] != 1:
                continue
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                bound[target.id] = value.value
            elif (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                  and value.func.id == "open" and value.args
                  and isinstance(value.args[0], ast.Constant)
                  and isinstance(value.args[0].value, str)):
                bound[target.id] = File(value.args[0].value, value.lineno)
    return bound
