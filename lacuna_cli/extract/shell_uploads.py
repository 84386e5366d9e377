"""Shell commands that send a local file elsewhere (`curl -F f=@x.csv https://…`, `aws s3 cp
x.csv s3://bucket/key`, `scp x.csv host:/drop/`): the file and the place, from the command's
words. A notebook's `!command` line becomes Python the interpreter already understands (one
call of `_lacuna_shell.upload(path, destination)`, a row of `rules/apis/shell.yaml`, written on
the shell line so the operation lands at its cell and line); a script's `subprocess.run([...])`
or `os.system("...")` (the catalog's `shell` rows) is the same upload. A command that sends
nothing Lacuna can name means nothing.

The tables are the knowledge: which commands copy their first local argument to a remote one,
and which curl options name a file whose content is sent.
"""

from __future__ import annotations

import ast
import itertools
import re

from lacuna_cli.extract.shell_queries import database_export_of
from lacuna_cli.extract.shell_words import command_words, commands, is_literal

SHELL_MODULE = "_lacuna_shell"
# Commands (their leading words) that copy a local path to the remote place named after it.
COPY_COMMANDS = (("aws", "s3", "cp"), ("aws", "s3", "mv"), ("aws", "s3", "sync"),
                 ("gsutil", "cp"), ("gsutil", "mv"), ("gsutil", "-m", "cp"),
                 ("gcloud", "storage", "cp"), ("azcopy", "copy"), ("rclone", "copy"),
                 ("rclone", "copyto"), ("scp",), ("rsync",), ("sftp",))
# curl options whose value is a file sent as the body or a form part (`@path`, `name=@path`).
CURL_FILE_OPTIONS = {"-F", "--form", "-T", "--upload-file", "-d", "--data", "--data-binary",
                     "--data-urlencode", "--json"}
CURL_UPLOAD_OPTIONS = {"-T", "--upload-file"}  # the value is the path itself, without `@`
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
    c.csv URL` uploads in its second command. None when none does."""
    for command in commands(words):
        sent = _curl(command) if command[:1] == ["curl"] else _copy(command)
        if sent is not None:
            return sent
    return None


def _copy(words: list[str]) -> tuple[str, str] | None:
    """(local path, remote place) of a copy command: the first argument that is not remote,
    then the first remote one after it (`s3://b/k`, `host:/path` as `sftp://host/path`)."""
    command = next((c for c in COPY_COMMANDS if tuple(words[:len(c)]) == c), None)
    if command is None:
        return None
    arguments = [w for w in words[len(command):] if not w.startswith("-")]
    local = next((i for i, w in enumerate(arguments) if remote_place(w) is None), None)
    if local is None:
        return None
    remote = next((place for w in arguments[local + 1:] if (place := remote_place(w))), None)
    if remote is None:  # `aws s3 cp x.csv $DEST/x.csv`: the place filled in at run time
        remote = next((w for w in arguments[local + 1:] if not is_literal(w)), None)
    return (arguments[local], remote) if remote is not None else None


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
    url = next((w for w in words if w.startswith(("http://", "https://", "ftp://", "sftp://"))),
               None)
    if url is None and len(words) > 2 and not is_literal(words[-1]) \
            and words[-2] not in CURL_FILE_OPTIONS:
        url = words[-1]  # `curl -F f=@x.csv $ENDPOINT`: the URL filled in at run time
    for option, value in itertools.pairwise(words):
        if option not in CURL_FILE_OPTIONS:
            continue
        if option in CURL_UPLOAD_OPTIONS:
            path = value
        elif value.startswith("@"):
            path = value[1:]
        else:  # `-F file=@x.csv;type=text/csv`
            path = value.partition("=@")[2].split(";", 1)[0]
        if path and path != "-" and url is not None:
            return path, url
    return None
