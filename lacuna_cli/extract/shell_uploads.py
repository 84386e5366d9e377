"""Shell commands that send a local file elsewhere (`curl -F f=@x.csv https://…`, `aws s3 cp
x.csv s3://bucket/key`, `scp x.csv host:/drop/`): the file and the place, from the command's
words. A notebook's `!command` line becomes Python the interpreter already understands (one
call of `_lacuna_shell.upload(path, destination)`, a row of `rules/apis/shell.yaml`, written on
the shell line so the operation lands at its cell and line); a script's `subprocess.run([...])`
or `os.system("...")` (the catalog's `shell` rows) is the same upload. A command that sends
nothing Lacuna can name means nothing.

Which commands copy their first local argument to a remote one, which of their options take
a value, and which curl options name a file whose content is sent, is knowledge kept in
`rules/shell/uploads.yaml`.
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass
from functools import cache

from lacuna_cli.extract.shell_queries import database_export_of, unwrapped
from lacuna_cli.extract.shell_words import command_words, commands, is_literal
from lacuna_cli.shipped import shipped_dir
from lacuna_cli.yamlfile import read_yaml

SHELL_MODULE = "_lacuna_shell"


@dataclass(frozen=True)
class Uploads:
    """The knowledge in `rules/shell/uploads.yaml`."""

    # leading words of a copy command -> the scheme of its destination path (None: remote)
    copy_commands: dict[tuple[str, ...], str | None]
    value_options: dict[str, frozenset[str]]  # program -> its options that take a value
    curl_file_options: frozenset[str]
    curl_upload_options: frozenset[str]  # their value is the path itself, without `@`


@cache
def known_uploads() -> Uploads:
    """The shipped table of upload commands (read once per process)."""
    data = read_yaml(shipped_dir("rules") / "shell" / "uploads.yaml")
    return Uploads({tuple(words.split()): (entry or {}).get("destination_scheme")
                    for words, entry in data["copy_commands"].items()},
                   {program: frozenset(options)
                    for program, options in data["value_options"].items()},
                   frozenset(data["curl"]["file_options"]),
                   frozenset(data["curl"]["upload_options"]))


# A word that is an e-mail address (`mail -s report ops@partner.example`).
EMAIL_WORD = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# What IPython fills in on a `!` line: `{expression}` or `$name` (the group is the Python).
INTERPOLATED = re.compile(r"\{([^{}]+)\}|\$\{?([A-Za-z_]\w*)\}?")


def shell_upload(line: str) -> str | None:
    """The Python for a `!command` line that uploads a local file, runs values IPython fills
    in or writes a query's result to a file, at the line's indent; None when the line is no
    such command (or its words cannot be split)."""
    stripped = line.lstrip()
    if not stripped.startswith("!"):
        return None
    indent = line[: len(line) - len(stripped)]
    words = command_words(stripped[1:])
    sent = upload_of(words)
    if sent is None:
        # `!curl -d '{payload}' https://...`: what IPython fills in runs in the command, which
        # a script's `os.system(f"...")` is (the catalog's `shell` row tells where it goes);
        # so is `!psql -c "\copy ... to 'x.csv'"`, a query written to a file
        command = _python_text(stripped[1:].strip()) if INTERPOLATED.search(stripped) or \
            database_export_of(words) is not None else None
        return f"{indent}import os; os.system({command})" if command else None
    path, destination = (_python_text(part) for part in sent)
    if path is None or destination is None:
        return None
    return f"{indent}import {SHELL_MODULE}; {SHELL_MODULE}.upload({path}, {destination})"


def _python_text(word: str) -> str | None:
    """A command word as a Python string expression. IPython fills `{expression}` and `$name`
    in with the notebook's Python values before the shell runs the line, so they are an
    f-string of those values (a name the notebook never set is then unknown, not nothing);
    None when an expression is not Python."""
    if is_literal(word):
        return repr(word)
    parts, end = [], 0
    for match in INTERPOLATED.finditer(word):
        parts += [_braces(word[end:match.start()]), "{" + (match[1] or match[2]) + "}"]
        end = match.end()
    text = "f" + repr("".join([*parts, _braces(word[end:])]))
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return None
    return text


def _braces(text: str) -> str:
    """Literal text inside an f-string."""
    return text.replace("{", "{{").replace("}", "}}")


def upload_of(words: list[str]) -> tuple[str, str] | None:
    """(local file, destination) of the first command of a line that uploads one, as written
    (a word filled in at run time, `{path}` or `$DEST`, included): `gzip -k c.csv && curl -T
    c.csv URL` uploads in its second command; `sudo -u etl /usr/local/bin/aws s3 cp ...` is
    `aws s3 cp ...`. None when none does."""
    for command in commands(words):
        command = unwrapped(command)
        if not command:
            continue
        command = [command[0].rsplit("/", 1)[-1], *command[1:]]
        sent = _curl(command) if command[0] == "curl" else _copy(command)
        if sent is not None:
            return sent
    return None


def _copy(words: list[str]) -> tuple[str, str] | None:
    """(local path, destination) of a copy command: the first argument that is not remote,
    then the first remote one after it (`s3://b/k`, `host:/path` as `sftp://host/path`), or
    for a store of its own (`hdfs dfs -put`) the path after it in that store."""
    uploads = known_uploads()
    found = _leading(words, uploads)
    if found is None:
        return None
    command, rest = found
    arguments = _arguments(words[rest:], uploads.value_options.get(command[0], frozenset()))
    local = next((i for i, w in enumerate(arguments) if remote_place(w) is None), None)
    if local is None:
        return None
    later = arguments[local + 1:]
    scheme = uploads.copy_commands[command]
    if scheme:
        remote = next((w if "://" in w or not is_literal(w)
                       else f"{scheme}://{'' if w.startswith('/') else '/'}{w}"
                       for w in later), None)
    else:
        remote = next((place for w in later if (place := remote_place(w))), None)
    if remote is None:  # `aws s3 cp x.csv $DEST/x.csv`: the place filled in at run time
        remote = next((w for w in later if not is_literal(w)), None)
    return (arguments[local], remote) if remote is not None else None


def _leading(words: list[str], uploads: Uploads) -> tuple[tuple[str, ...], int] | None:
    """The copy command a command line runs and where its arguments start, options allowed
    between its words (`aws --profile prod s3 cp`, `gsutil -m -h K:V cp`)."""
    for command in uploads.copy_commands:
        if not words or words[0] != command[0]:
            continue
        takes = uploads.value_options.get(command[0], frozenset())
        position = 1
        for part in command[1:]:
            while position < len(words) and words[position] != part \
                    and words[position].startswith("-"):
                position += 2 if _takes_value(words[position], takes) else 1
            if position >= len(words) or words[position] != part:
                break
            position += 1
        else:
            return command, position
    return None


def _takes_value(word: str, takes_value: frozenset[str]) -> bool:
    """Whether an option word is followed by its value: listed as taking one, or flags
    written together ending with such a one (`-avze ssh`)."""
    if "=" in word:
        return False
    return word in takes_value or (not word.startswith("--") and len(word) > 2
                                   and f"-{word[-1]}" in takes_value)


def _arguments(words: list[str], takes_value: frozenset[str]) -> list[str]:
    """A command's words that are neither options nor the values of options that take one."""
    arguments: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = _takes_value(word, takes_value)
        else:
            arguments.append(word)
    return arguments


def remote_place(word: str) -> str | None:
    """The place a command word names when it is not a local path (a URL, `host:/path`)."""
    if "://" in word:
        return word
    host, colon, path = word.partition(":")
    if colon and host and "/" not in host and not host.startswith("."):
        return f"sftp://{host.rsplit('@', 1)[-1]}/{path.lstrip('/')}"
    return None


def _curl(words: list[str]) -> tuple[str, str] | None:
    """(file sent, URL) of a curl command that sends a file's content."""
    uploads = known_uploads()
    url = next((w for w in words if w.startswith(("http://", "https://", "ftp://", "sftp://"))),
               None)
    if url is None and len(words) > 2 and not is_literal(words[-1]) \
            and words[-2] not in uploads.curl_file_options:
        url = words[-1]  # `curl -F f=@x.csv $ENDPOINT`: the URL filled in at run time
    for option, value in itertools.pairwise(words):
        if option not in uploads.curl_file_options:
            continue
        if option in uploads.curl_upload_options:
            path = value
        elif value.startswith("@"):
            path = value[1:]
        else:  # `-F file=@x.csv;type=text/csv`
            path = value.partition("=@")[2].split(";", 1)[0]
        if path and path != "-" and url is not None:
            return path, url
    return None
