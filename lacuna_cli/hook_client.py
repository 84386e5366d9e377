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

import _socket  # socket.py's own core: the wrapper module's imports cost 12 ms per call
import array
import os
import sys
import zlib

from lacuna_cli.shipped import shipped_folder

# This client imports nothing else on the path a server answers: a hook call's own start-up
# was a third of its time, with json, pathlib, hashlib and socket (about 30 ms).
PACKAGE = os.path.dirname(os.path.realpath(__file__))
STANDARD_STREAMS = [0, 1, 2]
EXIT_BYTES = 4  # the server's answer (`encode_exit`)
# The longest path a Unix socket can be bound to (Linux's sun_path, less its final NUL): a
# longer one fails to bind, and the server would never start.
SOCKET_PATH_BYTES = 107


def socket_path() -> str:
    """Per user, interpreter, code and shipped rules and policies: a changed Lacuna never talks
    to a server that read the old ones (`hook_server.warm_shipped`): 64 bits of checksums of
    where they are installed and the newest modification time among those files (a socket's
    path holds at most 107 bytes: under a runtime folder too deep for that, the socket is in
    /tmp, in a folder only its user may enter, as `hook_server.bind` checks)."""
    stamp = max((_newest(PACKAGE, ".py"), *(_newest(shipped_folder(name), "")
                                            for name in ("rules", "policies"))))
    key = os.fsencode(f"{sys.executable}\0{PACKAGE}\0{stamp}")
    name = f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.sock"
    folder = f"lacuna-hook-{os.getuid()}"
    path = os.path.join(os.environ.get("XDG_RUNTIME_DIR") or "/tmp", folder, name)
    if len(os.fsencode(path)) > SOCKET_PATH_BYTES:  # a runtime folder too deep for a socket
        path = os.path.join("/tmp", folder, name)
    return path


def _newest(folder: str, suffix: str) -> int:
    """The newest modification time (ns) of the files below `folder` named `*suffix` and of
    the folders themselves: a file removed or renamed changes its folder's time, not a file's.
    Bytecode caches are left out: Python writes them as it imports, the server included."""
    newest = 0
    for where, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if name != "__pycache__"]
        newest = max(newest, os.stat(where).st_mtime_ns, *(
            os.stat(os.path.join(where, name)).st_mtime_ns
            for name in names if name.endswith(suffix)))
    return newest


def server_wanted() -> bool:
    """Not in CI (one run per machine) nor where fork and descriptor passing do not exist."""
    if os.name != "posix" or not hasattr(_socket, "SCM_RIGHTS"):
        return False
    if os.environ.get("LACUNA_HOOK_SERVER", "1").lower() in {"0", "false", "no"}:
        return False
    return os.environ.get("CI", "").lower() not in {"1", "true", "yes"}


def encode_request(argv: list[str], cwd: str, env: dict[str, str]) -> bytes:
    """The run asked of the server: NUL-separated, as no path, argument or environment entry
    can hold a NUL — the directory, the number of arguments, the arguments, `NAME=value`s."""
    fields = [cwd, str(len(argv)), *argv, *(f"{name}={value}" for name, value in env.items())]
    return b"\0".join(map(os.fsencode, fields))


def decode_request(message: bytes) -> tuple[list[str], str, dict[str, str]]:
    """(arguments, directory, environment) of `encode_request`'s message, for the server."""
    cwd, count, *rest = map(os.fsdecode, message.split(b"\0"))
    argv, entries = rest[:int(count)], rest[int(count):]
    return argv, cwd, dict(entry.split("=", 1) for entry in entries)


def encode_exit(code: int) -> bytes:
    """The server's answer: the run's exit code, 4 bytes, big-endian and signed."""
    return code.to_bytes(EXIT_BYTES, "big", signed=True)


def run_remote(path: str, argv: list[str]) -> int | None:
    """The exit code of the run on the server, or None when no server answers."""
    client = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        client.connect(path)
        request = encode_request(argv, os.getcwd(), dict(os.environ))
        client.sendmsg([request], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS,
                                    array.array("i", STANDARD_STREAMS))])
        client.shutdown(_socket.SHUT_WR)
        answer = b""
        while len(answer) < EXIT_BYTES:
            chunk = client.recv(EXIT_BYTES - len(answer))
            if not chunk:
                return None if not answer else 2
            answer += chunk
        return int.from_bytes(answer, "big", signed=True)
    except OSError:
        return None
    finally:
        client.close()


def start_server(path: str) -> None:
    """Start the server in its own session (it outlives this hook), quietly. (Imported here:
    a call the server answers never needs subprocess.)"""
    import subprocess

    subprocess.Popen([sys.executable, "-m", "lacuna_cli.hook_server", path],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def main() -> None:
    """Through the warm server when one answers; otherwise run here, then start one. It starts
    after this run so that its imports do not compete with the run for the CPU, and its idle
    clock starts when the next commit can use it."""
    argv = sys.argv[1:]
    start_after: str | None = None
    if server_wanted():
        path = socket_path()
        code = run_remote(path, argv) if os.path.exists(path) else None
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
