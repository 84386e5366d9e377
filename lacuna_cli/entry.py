"""The `lacuna` console script: answers `--version` before importing anything.

Building the command-line app imports typer, rich and every command module; a version query
(a CI step, an editor plugin polling it) needs none of that, so it is answered here first.
Everything else goes to `lacuna_cli.cli.main`.
"""

from __future__ import annotations

import sys

from lacuna_cli import __version__
from lacuna_cli.gcpause import collector_paused


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"lacuna {__version__}")
        return
    # The imports create ~100,000 objects that live until exit; a collection triggered while
    # importing would only traverse them again (about a tenth of the import time).
    with collector_paused():
        from lacuna_cli.cli import main as cli_main
    cli_main()
