"""The script behind `action.yml` (a composite action): `python -m lacuna_cli.action`.

It reads the action's inputs from `INPUT_*` variables (set explicitly by action.yml, because a
composite action does not export them), runs one `lacuna check` that prints GitHub annotations
and writes SARIF (for github/codeql-action/upload-sarif) and a Markdown summary, appends the
summary to `$GITHUB_STEP_SUMMARY`, sets the step outputs, and pushes the audit log when asked.
It is a file of the package rather than shell in the YAML so that it is tested like the rest.

In a matrix, `shard: I/N` makes the step only extract its share into `shard-dir` (no report,
nothing decided), and `from-shards: DIR` in one later job decides over all of them: the
reports, the summary and the SARIF come from that job alone.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

SHARD_DIR = "lacuna-shards"


def _input(env: Mapping[str, str], name: str, default: str = "") -> str:
    return env.get(f"INPUT_{name.upper()}", default).strip() or default


def shard_command(env: Mapping[str, str]) -> list[str]:
    """`lacuna check --shard I/N --shard-dir DIR` for an extract job of a matrix."""
    return [sys.executable, "-m", "lacuna_cli", "check", *shlex.split(_input(env, "paths", ".")),
            "--shard", _input(env, "shard"), "--shard-dir", _input(env, "shard-dir", SHARD_DIR),
            *shlex.split(_input(env, "args"))]


def check_command(env: Mapping[str, str], summary: Path) -> list[str]:
    """The `lacuna check` command line for the inputs: over `paths`, or over the analyses of
    every shard in `from-shards` (which fixed the paths)."""
    shards = _input(env, "from-shards")
    scope = ["--from-shards", shards] if shards else shlex.split(_input(env, "paths", "."))
    command = [sys.executable, "-m", "lacuna_cli", "check", *scope,
               "--output", "github",
               "--output", f"sarif:{_input(env, 'sarif-file', 'lacuna.sarif')}",
               "--output", f"markdown:{summary}",
               "--fail-on", _input(env, "fail-on", "info")]
    if baseline := _input(env, "baseline"):
        command += ["--baseline", baseline]
    if diff_base := _input(env, "diff-base"):
        command += ["--diff-base", diff_base]
    return command + shlex.split(_input(env, "args"))


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def push_audit(env: Mapping[str, str], url: str) -> bool:
    """`lacuna audit push`, the URL passed in the environment so it never shows in a log."""
    print(f"::add-mask::{url}", flush=True)
    pushed = subprocess.run([sys.executable, "-m", "lacuna_cli", "audit", "push"],
                            env={**env, "LACUNA_CENTRAL_URL": url}, check=False)
    if pushed.returncode != 0:
        print("::error title=Lacuna audit push::the audit log could not be pushed to the "
              "central store (see the lines above)", flush=True)
    return pushed.returncode == 0


def main(env: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if env is None else env)
    env.pop("PRE_COMMIT", None)
    if _input(env, "shard"):
        command = shard_command(env)
        print("lacuna: " + shlex.join(command[2:]), flush=True)
        code = subprocess.run(command, env=env, check=False).returncode
        _append(env.get("GITHUB_OUTPUT"), f"exit-code={code}\n")
        return code
    with tempfile.TemporaryDirectory() as scratch:
        summary = Path(scratch) / "summary.md"
        command = check_command(env, summary)
        print("lacuna: " + shlex.join(command[2:]), flush=True)
        code = subprocess.run(command, env=env, check=False).returncode
        text = summary.read_text(encoding="utf-8") if summary.exists() else (
            f"### Lacuna data-governance check: ⚠️ failed\n\n`lacuna check` stopped with exit "
            f"code {code} before writing its report; see the job log.\n")
    _append(env.get("GITHUB_STEP_SUMMARY"), text + "\n")
    _append(env.get("GITHUB_OUTPUT"),
            f"sarif-file={_input(env, 'sarif-file', 'lacuna.sarif')}\nexit-code={code}\n")
    if (url := _input(env, "audit-push-url")) and not push_audit(env, url):
        return max(code, 2)
    return code


if __name__ == "__main__":
    sys.exit(main())
