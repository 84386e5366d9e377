"""The `lacuna` command: assembles the command groups and maps every outcome to an exit code.

0 clean, 1 violations (or files that could not be analysed), 2 usage or tool error. Errors a
user can cause print one line on stderr; a traceback only with LACUNA_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import Annotated

import typer
from typer.main import get_command

try:  # Typer 0.26+ vendors click; earlier releases use the click package itself.
    from typer._click.core import Command
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
    from typer._click.utils import PacifyFlushWrapper
except ImportError:  # pragma: no cover - depends on the installed Typer
    from click.exceptions import (  # type: ignore[assignment]  # the same classes, older Typer
        ClickException, NoArgsIsHelpError,
    )
    from click.utils import PacifyFlushWrapper  # type: ignore[no-redef]  # as above
    from click.core import Command  # type: ignore[assignment]  # as above

from lacuna_cli import __version__
from lacuna_cli.commands import (
    audit, baseline, catalog, check, classify, extract, init, lineage, policy, report, run,
)
from lacuna_cli.errors import EXIT_ERROR, LacunaError
from lacuna_cli.redact import redact

app = typer.Typer(
    name="lacuna",
    help="Data-governance gatekeeper for code: checks data operations in Python, notebooks "
         "and SQL against policies before the code runs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no boxes, no `<bool>` metavars on flags
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"lacuna {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    project: Annotated[Path | None, typer.Option(
        "--project", "-C", help="Project root (default: found from the paths or the current "
                                "directory).", file_okay=False)] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    ctx.obj = {"project": project}


app.command("check", help=check.__doc__)(check.command)
app.command("extract", help=extract.__doc__)(extract.command)
app.command("baseline", help=baseline.__doc__)(baseline.command)
app.command("run", help=run.__doc__)(run.command)
app.command("report", help=report.__doc__)(report.command)
app.command("init", help=init.__doc__)(init.command)
app.add_typer(audit.app, name="audit")
app.add_typer(lineage.app, name="lineage")
app.add_typer(classify.app, name="classify")
app.add_typer(policy.app, name="policy")
app.add_typer(catalog.app, name="catalog")


@cache
def command() -> Command:
    """The click command typer builds from `app`. Built once per process: the hook server
    (`hook_server.preload`) builds it before it forks, and each commit's check skips the
    ~40 ms typer spends reading every command's signature."""
    return get_command(app)


def main() -> None:
    """Console-script entry point. Typer/click handle usage errors (exit 2) and `typer.Exit`;
    a LacunaError, a usage error or an unexpected exception becomes one line on stderr and
    exit 2 (the README promises one line, so click's boxed usage text is not shown)."""
    try:
        outcome = command().main(prog_name="lacuna", standalone_mode=False)
    except SystemExit:
        # Click exits 1 when the reader of stdout went away (`lacuna audit log | head`); the
        # output was wanted only that far, which is not a failure.
        if isinstance(sys.stdout, PacifyFlushWrapper):
            sys.exit(0)
        raise
    except NoArgsIsHelpError as exc:  # `lacuna` or `lacuna audit` alone: the help is the answer
        exc.show()
        sys.exit(exc.exit_code)
    except ClickException as exc:
        print(f"lacuna: error: {_usage_error(exc)}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("lacuna: aborted", file=sys.stderr)
        sys.exit(1)
    except LacunaError as exc:
        print(f"lacuna: error: {redact(str(exc))}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("lacuna: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug: still one line, with a way to see more
        if os.environ.get("LACUNA_DEBUG"):
            raise
        print(f"lacuna: internal error: {type(exc).__name__}: {redact(str(exc))} "
              "(set LACUNA_DEBUG=1 for a traceback)", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    sys.exit(outcome if isinstance(outcome, int) else 0)


def _usage_error(exc: ClickException) -> str:
    """Click's message with the command it concerns and where its help is, on one line."""
    context = getattr(exc, "ctx", None)
    command = context.command_path if context is not None else "lacuna"
    message = " ".join(redact(exc.format_message()).split())
    return f"{message} (see '{command} --help')"
