"""Who is running Lacuna and on what commit, for the audit log and the policy input."""

from __future__ import annotations

import getpass
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunIdentity:
    actor: str
    repo: str
    commit: str


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def identify(root: Path, configured_user: str | None = None) -> RunIdentity:
    """CI actor first (GITHUB_ACTOR), then configured user, git user.email, then the OS user."""
    actor = (os.environ.get("GITHUB_ACTOR") or configured_user or _git(root, "config", "user.email")
             or _login())
    toplevel = _git(root, "rev-parse", "--show-toplevel")
    repo = os.environ.get("GITHUB_REPOSITORY") or Path(toplevel or root).name
    commit = os.environ.get("GITHUB_SHA") or _git(root, "rev-parse", "HEAD") or "uncommitted"
    return RunIdentity(actor=actor, repo=repo, commit=commit)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
