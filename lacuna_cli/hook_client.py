"""`lacuna-hook`: the pre-commit entry point, fast because the imports are already done.

A check needs ~0.55 s of imports (libcst, pydantic, networkx, sqlglot, duckdb) before ~0.1 s
of work on one staged file, and pre-commit starts a new process for every commit. So this
client imports only the standard library (and `shipped.py`, which finds the shipped rules
and policies the server's name depends on) and hands the run to a warm fork server
(`hook_server.py`, one per user and Lacuna installation, started on first use, gone after
`LACUNA_HOOK_IDLE_SECONDS` idle): it passes its own stdin/stdout/stderr over a Unix socket,
the server forks a child with everything imported that runs the normal CLI in the client's
directory and environment, and the exit code comes back. Without a server — first use, CI,
`LACUNA_HOOK_SERVER=0` — the CLI simply runs in this process.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import struct
import sys
from pathlib import Path

from lacuna_cli.shipped import shipped_dir

PACKAGE = Path(__file__).resolve().parent


def socket_path() -> Path:
    """Per user, interpreter, code and shipped rules and policies: a changed Lacuna never talks
    to a server that read the old ones (`hook_server.warm_shipped`)."""
    shipped = (p for name in ("rules", "policies") for p in shipped_dir(name).rglob("*"))
    stamp = max((p.stat().st_mtime_ns for p in (*PACKAGE.rglob("*.py"), *shipped)), default=0)
    key = hashlib.sha256(f"{sys.executable}\0{PACKAGE}\0{stamp}".encode()).hexdigest()[:16]
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or "/tmp") / f"lacuna-hook-{os.getuid()}"
    return base / f"{key}.sock"


def server_wanted() -> bool:
    """Not in CI (one run per machine) nor where fork and descriptor passing do not exist."""
    if os.name != "posix" or not hasattr(socket, "send_fds"):
        return False
    if os.environ.get("LACUNA_HOOK_SERVER", "1").lower() in {"0", "false", "no"}:
        return False
    return os.environ.get("CI", "").lower() not in {"1", "true", "yes"}


def run_remote(path: Path, argv: list[str]) -> int | None:
    """The exit code of the run on the server, or None when no server answers."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(str(path))
        request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)})
        socket.send_fds(client, [request.encode()], [0, 1, 2])
        client.shutdown(socket.SHUT_WR)
        answer = b""
        while len(answer) < 4:
            chunk = client.recv(4 - len(answer))
            if not chunk:
                return None if not answer else 2
            answer += chunk
        return struct.unpack("!i", answer)[0]
    except OSError:
        return None
    finally:
        client.close()


def start_server(path: Path) -> None:
    """Start the server in its own session (it outlives this hook), quietly. (Imported here:
    a call the server answers never needs subprocess.)"""
    import subprocess

    subprocess.Popen([sys.executable, "-m", "lacuna_cli.hook_server", str(path)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def main() -> None:
    """Through the warm server when one answers; otherwise run here, then start one. It starts
    after this run so that its imports do not compete with the run for the CPU, and its idle
    clock starts when the next commit can use it."""
    argv = sys.argv[1:]
    start_after: Path | None = None
    if server_wanted():
        path = socket_path()
        code = run_remote(path, argv) if path.exists() else None
        if code is not None:
            sys.exit(code)
        start_after = path
    from lacuna_cli.cli import main as cli_main

    sys.argv = ["lacuna", *argv]
    try:
        cli_main()
    finally:
        if start_after is not None:
            start_server(start_after)


if __name__ == "__main__":
    main()
