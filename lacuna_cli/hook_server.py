"""The warm fork server behind `lacuna-hook` (see `hook_client.py` for why it exists).

Each request is run in a forked child — the imports are shared, nothing else is: the child
takes the client's descriptors as its stdin/stdout/stderr, its directory and environment,
runs the normal CLI and reports the exit code. The socket lives in a directory only its user
can enter; the server exits after `LACUNA_HOOK_IDLE_SECONDS` (default 600) without a request.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys
from pathlib import Path

MAX_REQUEST = 4 * 1024 * 1024


def preload() -> None:
    """Everything a check imports, loaded once before the first fork, then moved out of the
    collector's sight (`gc.freeze`): a child's collections then never walk the imported modules,
    nor touch, and so copy, the pages they share with the server."""
    import gc

    import lacuna_cli.cli
    import lacuna_cli.extract.notebook
    import lacuna_cli.extract.python
    import lacuna_cli.extract.sql
    import lacuna_cli.output.reports
    import lacuna_cli.policy.embedded
    import lacuna_cli.scan  # noqa: F401 - imported for its cost, ahead of the first request

    gc.freeze()


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
    request = json.loads(message)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    from lacuna_cli.cli import main

    sys.argv = ["lacuna", *request["argv"]]
    code = 2
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        connection.sendall(struct.pack("!i", code))
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
                server.close()
                serve_one(connection)
            connection.close()
    finally:
        server.close()
        path.unlink(missing_ok=True)


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
