"""What `lacuna run -- COMMAND` must check before it lets the command start: every Python file
the command will execute, found the way Python finds it, or a refusal naming what cannot be
known before the run.

A command is read like the interpreter reads it (`python [options] FILE | -m MODULE | -c CODE`,
or a `.py` file whose `#!` line names Python). From there every file is followed: its imports
(resolved on the search path the run will have: the script's folder or the cwd, `PYTHONPATH`,
the project root and its `src/` folder, where an editable install points), and the calls that
run other code (`rules/run/calls.yaml`) when their target is literal. Code text (`-c`,
`exec("...")`) is written to a scratch file so that it is checked like any file. Nothing here runs
code.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lacuna_cli.errors import LacunaError
from lacuna_cli.run_calls import (
    PYTHON,
    Blind,
    Code,
    Command,
    File,
    Module,
    Target,
    Word,
    run_rules,
    targets_in,
)

FLAGS = set("bBdEhiIOPqsSuvVxR?")  # the interpreter's one-letter options without a value
VALUED = set("cmWX")  # ... and with one (`-c CODE`, `-cCODE`)
VALUED_LONG = {"--check-hash-based-pycs"}
SHELL_OPERATORS = {";", "&", "&&", "|", "||", "(", ")", "\n"}


class Unfollowable(LacunaError):
    """Code the command would run cannot be checked before it runs: the run is refused."""


@dataclass(frozen=True)
class Launch:
    """What one interpreter process executes first. `kind` is `script`, `module` or `code`;
    `safe_path` (-P, -I, PYTHONSAFEPATH) keeps the script's folder / cwd off the search path;
    `ignore_env` (-E, -I) makes Python ignore PYTHONPATH."""

    kind: str
    target: str
    safe_path: bool = False
    ignore_env: bool = False


def is_python_command(argv: Sequence[str]) -> bool:
    """Whether the command starts Python: an interpreter, or a `.py` file run directly."""
    return bool(argv) and (run_rules().is_interpreter(argv[0]) or argv[0].endswith(".py"))


def interpreter_launch(words: Sequence[Word], env: Mapping[str, str]) -> Launch:
    """Read an interpreter's arguments (after its name) as Python does; raises Unfollowable
    when it reads code from standard input or from an argument known only at run time."""
    safe_path = ignore_env = False
    index = 0
    while index < len(words):
        word = words[index]
        if word is None:
            raise Unfollowable("an interpreter option or script known only at run time")
        if word in VALUED_LONG:
            index += 2
            continue
        if word == "--":  # the end of the options: the script follows
            index += 1
            break
        if word.startswith("--"):
            raise Unfollowable(f"`{word}`: this Python command runs no script to check")
        if not word.startswith("-") or word == "-":
            break
        for position, letter in enumerate(word[1:], start=1):
            if letter in VALUED:
                value = word[position + 1:] or (words[index + 1] if index + 1 < len(words)
                                                else None)
                index += 0 if word[position + 1:] else 1
                if letter in "cm":
                    if value is None:
                        raise Unfollowable(f"`-{letter}` with a value known only at run time")
                    return _launch("code" if letter == "c" else "module", value, safe_path,
                                   ignore_env, env)
                break
            if letter not in FLAGS:
                raise Unfollowable(f"`-{letter}`: an interpreter option Lacuna does not know")
            if letter in "hV":
                raise Unfollowable(f"`-{letter}`: this Python command runs no script to check")
            if letter == "i":
                raise Unfollowable("`-i` reads more code from standard input after the script")
            safe_path |= letter in "PI"
            ignore_env |= letter in "EI"
        index += 1
    script = words[index] if index < len(words) else "-"
    if script is None or script == "-":
        raise Unfollowable("Python would read its code from standard input")
    return _launch("script", script, safe_path, ignore_env, env)


def _launch(kind: str, target: str, safe_path: bool, ignore_env: bool,
            env: Mapping[str, str]) -> Launch:
    if not ignore_env:
        if env.get("PYTHONINSPECT"):
            raise Unfollowable("PYTHONINSPECT reads more code from standard input")
        safe_path |= bool(env.get("PYTHONSAFEPATH"))
    return Launch(kind, target, safe_path, ignore_env)


def command_launch(argv: Sequence[Word], cwd: Path, env: Mapping[str, str]) -> Launch:
    """The launch of a command that starts Python (see `is_python_command`)."""
    if run_rules().is_interpreter(argv[0]):
        return interpreter_launch(argv[1:], env)
    program = argv[0] or ""
    if "/" in program and not (cwd / program).is_file():
        raise Unfollowable(f"{program}: no such file")
    shebang = _shebang(cwd / program)
    if shebang is None or not run_rules().is_interpreter(shebang):
        raise Unfollowable(f"{program}: its `#!` line does not name a Python interpreter, so "
                           "Lacuna cannot know what runs it")
    return Launch("script", program)


def _shebang(path: Path) -> str | None:
    """The program a file's `#!` line names (through `env`), or None."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(4096).decode("utf-8", "replace")
    except OSError:
        return None
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    if words and Path(words[0]).name == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    return words[0] if words else None


@dataclass(frozen=True)
class Process:
    """Where one interpreter process runs: its cwd (relative paths in `open(...)` and commands)
    and the folders its imports are found in, first to last (all are searched: a module any of
    them holds is checked, even one an earlier folder would shadow)."""

    cwd: Path
    bases: tuple[Path, ...]


class Plan:
    """The files one `lacuna run` must check, found by following the command from its start.
    `scratch` receives code text as files."""

    def __init__(self, root: Path, cwd: Path, env: Mapping[str, str], scratch: Path) -> None:
        self.root, self.cwd, self.env, self.scratch = root.resolve(), cwd.resolve(), env, scratch
        self.files: dict[Path, None] = {}
        self._done: set[tuple[Path, Process]] = set()
        self._pending: list[tuple[Path, Process]] = []

    def follow(self, launch: Launch) -> list[Path]:
        """Every file reached from `launch`, in a stable order; raises Unfollowable."""
        self._start(launch, self.cwd, None)
        while self._pending:
            path, process = self._pending.pop()
            if (path, process) in self._done:
                continue
            self._done.add((path, process))
            self.files[path] = None
            for target in self._targets(path):
                self._reach(target, path, process)
        return sorted(self.files)

    def _start(self, launch: Launch, cwd: Path, where: tuple[Path, int] | None) -> None:
        if launch.kind == "script":
            script = cwd / launch.target
            script = script / "__main__.py" if script.is_dir() else script
            if not script.is_file():
                raise Unfollowable(self._at(where, f"{launch.target}: no such Python file"))
            process = self._process(launch, cwd, script.resolve().parent)
            files = [script]
        else:
            process = self._process(launch, cwd, cwd)
            files = ([self._scratch_file(launch.target)] if launch.kind == "code" else
                     module_files(launch.target, process.bases, main=True))
            if not files:
                raise Unfollowable(self._at(where, f"module `{launch.target}` is not a file "
                                                   "of the project: Lacuna cannot check what "
                                                   "it runs"))
        self._pending.extend((file.resolve(), process) for file in files)

    def _process(self, launch: Launch, cwd: Path, first: Path) -> Process:
        """The search path Python builds: the script's folder (the cwd for -m and -c), then
        PYTHONPATH; then the project root and `src/`, where an editable install points."""
        found = [] if launch.safe_path else [first]
        pythonpath = "" if launch.ignore_env else self.env.get("PYTHONPATH", "")
        if pythonpath:
            found += [(cwd / entry).resolve() for entry in pythonpath.split(os.pathsep)]
        found += [self.root, self.root / "src"]
        return Process(cwd, tuple(dict.fromkeys(base for base in found if base.is_dir())))

    def _targets(self, path: Path) -> list[Target]:
        """Imports and code-running calls; nothing when the file does not parse (the check
        reports the syntax error and the run is not started)."""
        try:
            tree = ast.parse(path.read_bytes(), filename=str(path))
        except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
            return []
        return targets_in(tree)

    def _reach(self, target: Target, path: Path, process: Process) -> None:
        where = (path, target.line)
        if isinstance(target, Blind):
            raise Unfollowable(self._at(where, f"{target.why}: Lacuna cannot check what it runs"))
        if isinstance(target, Module):
            self._module(target, path, process, where)
        elif isinstance(target, File):
            found = process.cwd / target.path
            found = found / "__main__.py" if found.is_dir() else found
            if not found.is_file():
                raise Unfollowable(self._at(where, f"{target.path}: no such file to check "
                                                   "before it runs"))
            self._pending.append((found.resolve(), process))
        elif isinstance(target, Code):
            self._pending.append((self._scratch_file(target.text), process))
        else:
            self._command(target, process, where)

    def _module(self, target: Module, path: Path, process: Process,
                where: tuple[Path, int]) -> None:
        if not target.name:
            return
        search = process.bases
        if target.level:
            package = path.parent
            for _ in range(target.level - 1):
                package = package.parent
            search = (package,)
        files = module_files(target.name, search, main=target.main)
        if target.main and not files:
            raise Unfollowable(self._at(where, f"module `{target.name}` is not a file of the "
                                               "project: Lacuna cannot check what it runs"))
        self._pending.extend((file.resolve(), process) for file in files)

    def _command(self, target: Command, process: Process, where: tuple[Path, int]) -> None:
        cwd = (process.cwd / target.cwd).resolve() if target.cwd else process.cwd
        moved = False  # a shell line that changes folder runs later commands elsewhere
        for command in self._commands_of(target, where):
            words = command[_assignments(command):]  # `VAR=value cmd` sets a variable
            if not words:
                continue
            if words[0] is None:
                raise Unfollowable(self._at(where, "a command whose program is known only at "
                                                   "run time: Lacuna cannot check what it runs"))
            if words[0] in ("cd", "pushd", "popd"):
                moved = True
            elif is_python_command([words[0]]):
                if moved or target.environment or len(words) < len(command):
                    why = ("changes folder before it" if moved else
                           "gives it an environment of its own (env=, VAR=value) in which")
                    raise Unfollowable(self._at(where, f"a command that {why} starts Python: "
                                                       "Lacuna cannot check what it runs"))
                try:
                    launch = command_launch(list(words), cwd, self.env)
                except Unfollowable as exc:
                    raise Unfollowable(self._at(where, str(exc))) from None
                self._start(launch, cwd, where)
            elif Path(words[0]).name in run_rules().launchers:
                raise Unfollowable(self._at(where, f"`{words[0]}` runs a command Lacuna does "
                                                   "not follow"))

    def _commands_of(self, target: Command, where: tuple[Path, int]
                     ) -> list[tuple[Word, ...]]:
        """The commands a call starts: its words, or each simple command of a shell line."""
        line = target.words[0] if target.words else None
        if not target.shell or line is None or line == PYTHON:
            return [target.words]
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError as exc:
            raise Unfollowable(self._at(where, f"a shell command Lacuna cannot read ({exc})")
                               ) from None
        if any("$" in token or "`" in token for token in tokens):
            raise Unfollowable(self._at(where, "a shell command with substitutions known only "
                                               "at run time"))
        commands: list[tuple[Word, ...]] = [()]
        for token in tokens:
            if token in SHELL_OPERATORS or set(token) <= set(";&|()"):
                commands.append(())
            else:
                commands[-1] = (*commands[-1], token)
        return commands

    def _scratch_file(self, text: str) -> Path:
        """Code text as a file of its own, named by its content, so the check reads it."""
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        path = self.scratch / f"code-{digest}.py"
        if not path.is_file():
            self.scratch.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        return path.resolve()

    def _at(self, where: tuple[Path, int] | None, why: str) -> str:
        if where is None:
            return why
        path, line = where
        shown = path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) \
            else str(path)
        return f"{shown}:{line}: {why}"


def _assignments(words: Sequence[Word]) -> int:
    """How many words at the start of a shell command are `NAME=value` assignments."""
    count = 0
    while count < len(words) and (word := words[count]) is not None \
            and word.partition("=")[0].isidentifier() and "=" in word:
        count += 1
    return count


def module_files(name: str, bases: Sequence[Path], main: bool = False) -> list[Path]:
    """Every file that importing `name` executes, in any of `bases`: each enclosing package's
    `__init__.py` and the module (with `main`, a package's `__main__.py` too)."""
    parts = name.split(".")
    found: list[Path] = []
    for depth in range(1, len(parts) + 1):
        for base in bases:
            folder = base.joinpath(*parts[:depth])
            found += [c for c in (folder / "__init__.py", folder.parent / f"{parts[depth - 1]}.py")
                      if c.is_file()]
    if main:
        found += [c for base in bases if (c := base.joinpath(*parts, "__main__.py")).is_file()]
    return list(dict.fromkeys(found))
