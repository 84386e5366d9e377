"""The warm fork server behind `lacuna-hook` (see `hook_client.py` for why it exists).

Each request is run in a forked child — the imports are shared, nothing else is: the child
takes the client's descriptors as its stdin/stdout/stderr, its directory and environment,
runs the normal CLI and reports the exit code. The socket lives in a directory only its user
can enter; the server exits after `LACUNA_HOOK_IDLE_SECONDS` (default 600) without a request.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

from lacuna_cli.hook_client import decode_request, encode_exit

MAX_REQUEST = 4 * 1024 * 1024


def preload() -> None:
    """Everything a check imports, loaded once before the first fork, then moved out of the
    collector's sight (`gc.freeze`): a child's collections then never walk the imported modules,
    nor touch, and so copy, the pages they share with the server."""
    import importlib
    from contextlib import suppress

    import lacuna_cli.cli
    import lacuna_cli.extract.notebook
    import lacuna_cli.extract.python
    import lacuna_cli.extract.sql
    import lacuna_cli.output.progress
    import lacuna_cli.output.reports
    import lacuna_cli.policy.embedded
    import lacuna_cli.scan
    from lacuna_cli.gcpause import freeze_for_good

    lacuna_cli.cli.command()  # built once; typer imports the modules that build it here
    with suppress(ImportError):  # and these while it converts arguments (this typer has them)
        importlib.import_module("typer._adapters")
    warm_shipped()
    freeze_for_good()


def warm_shipped() -> None:
    """Read once, here, what every check reads from Lacuna's own installation — the shipped
    column and resource rules, library catalog, schema rules and run rules — and start DuckDB
    and the policy engine's library: in a fresh child they cost a one-file check as much as
    its own work. Keeping them is safe because the socket's name changes with these files
    (`hook_client.socket_path`); a project's own rule and catalog files are read by each child."""
    import duckdb
    import regorus  # noqa: F401 - the embedded policy engine's library

    from lacuna_cli.classify.heuristics import load_rules
    from lacuna_cli.extract.catalog import catalog_digest, load_catalog
    from lacuna_cli.extract.schema_rules import load_schema_rules
    from lacuna_cli.run_calls import run_rules

    load_rules(()).columns  # noqa: B018 - built on first use (see `RuleSet`): build it here
    load_catalog(())  # cached per argument as passed: as a check passes them
    catalog_digest(())
    load_schema_rules()
    run_rules()
    duckdb.connect(":memory:").close()


def bind(path: Path) -> socket.socket | None:
    """Listen on `path`; None when another live server already does."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.parent.stat().st_uid != os.getuid() or path.parent.stat().st_mode & 0o077:
        return None  # someone else's directory: never serve there
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
    except OSError:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
            return None  # alive
        except OSError:
            path.unlink(missing_ok=True)  # left by a server that died
            server.bind(str(path))
        finally:
            probe.close()
    server.listen(16)
    return server


def serve_one(connection: socket.socket) -> None:
    """In the forked child: become the client's process and run the CLI."""
    message, fds, _flags, _addr = socket.recv_fds(connection, MAX_REQUEST, 3)
    while chunk := connection.recv(65536):
        message += chunk
    argv, cwd, env = decode_request(message)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    from lacuna_cli.cli import main

    sys.argv = ["lacuna", *argv]
    code = 2
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        connection.sendall(encode_exit(code))
        os._exit(0)


def serve(path: Path) -> None:
    server = bind(path)
    if server is None:
        return
    preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    server.settimeout(float(os.environ.get("LACUNA_HOOK_IDLE_SECONDS", "600")))
    try:
        while True:
            try:
                connection, _ = server.accept()
            except TimeoutError:
                return
            if os.fork() == 0:
                # A child that cannot take a request on (an environment entry the OS refuses)
                # ends here, never in this loop, whose exit removes the live server's socket;
                # its client, given no exit code, runs the check itself.
                try:
                    server.close()
                    serve_one(connection)
                finally:
                    os._exit(2)
            connection.close()
    finally:
        server.close()
        path.unlink(missing_ok=True)


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
