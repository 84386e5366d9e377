"""Every report format of `lacuna check` as text, by name: one dispatch for all the outputs of a
run, so `--output sarif:lacuna.sarif --output github` renders the same result twice, cheaply."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING


from lacuna_cli.output import github, junit, markdown, sarif, text
from lacuna_cli.output import json as json_output

if TYPE_CHECKING:
    from lacuna_cli.results import CheckResult


def _text(result: CheckResult, root: Path, verbose: bool) -> str:
    buffer = StringIO()
    text.render_check(text.plain_console(buffer), result, verbose)
    return buffer.getvalue()


RENDERERS: dict[str, Callable[[CheckResult, Path, bool], str]] = {
    "text": _text,
    "json": lambda result, root, verbose: json_output.dumps(json_output.check_document(result)),
    "sarif": lambda result, root, verbose: json_output.dumps(
        sarif.sarif_document(result, root.as_uri() + "/")),
    "github": lambda result, root, verbose: github.render(result, root),
    "junit": lambda result, root, verbose: junit.render(result),
    "markdown": lambda result, root, verbose: markdown.render(result),
}


def render(name: str, result: CheckResult, root: Path, verbose: bool = False) -> str:
    """The report `name` (a key of RENDERERS) for one check result; text is plain here."""
    return RENDERERS[name](result, root, verbose)
