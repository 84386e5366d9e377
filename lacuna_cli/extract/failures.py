"""What an extractor's unexpected failure becomes: one error line for its file, never a stop.

Every extractor (Python, notebooks, SQL, dbt) runs under `guarded`, so whatever one odd file
makes it raise is reported as `path: internal error while analysing (...)` and the run goes on
with the other files. `LACUNA_DEBUG=1` prints the traceback on stderr for a bug report.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable

from lacuna_cli.models import Extraction, FileProblem


def failed(relpath: str, language: str, message: str, line: int | None = None) -> Extraction:
    """The extraction of a file that could not be analysed: no operations, one error."""
    return Extraction(path=relpath, language=language,
                      errors=(FileProblem(path=relpath, line=line, message=message),))


def guarded(relpath: str, language: str, analyse: Callable[[], Extraction]) -> Extraction:
    """`analyse()`, or one error line for the file if it raises anything but an interrupt."""
    try:
        return analyse()
    except RecursionError:
        _debug()
        return failed(relpath, language, "nested too deeply to analyse")
    except MemoryError:
        _debug()
        return failed(relpath, language, "too large to analyse in memory")
    except Exception as exc:  # noqa: BLE001 - a bug on one odd file must not stop the run
        return failed(relpath, language, internal_error(exc))


def internal_error(exc: BaseException) -> str:
    """The one-line message for an unexpected exception (traceback on stderr when debugging)."""
    _debug()
    text = " ".join(str(exc).split())[:300]
    return (f"internal error while analysing ({type(exc).__name__}: {text}); please report it "
            "(LACUNA_DEBUG=1 prints the traceback)")


def _debug() -> None:
    if os.environ.get("LACUNA_DEBUG"):
        traceback.print_exc(file=sys.stderr)
