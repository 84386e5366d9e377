"""Which files a run analyses, and how resource names are normalised.

Normalised names are what make lineage connect across files: a path written by one script and
read by another must become the same resource, whatever directory each script used to spell it.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from lacuna_cli.errors import LacunaError
from lacuna_cli.models import Resource

SUFFIX_LANGUAGE = {".py": "python", ".ipynb": "notebook", ".sql": "sql"}
SKIP_DIRS = {
    ".git", ".hg", ".svn", ".lacuna", ".venv", "venv", "env", "__pycache__", "node_modules",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints",
    "site-packages", "build", "dist",
}
URL_SCHEMES = ("http://", "https://", "s3://", "s3a://", "gs://", "gcs://", "abfs://",
               "abfss://", "az://", "wasb://", "wasbs://", "hdfs://", "ftp://", "sftp://",
               "mailto:", "smtp://")
# Any `scheme://` (`tcp://host`, `oss://bucket`, `redis://host`) starts a place outside the
# project's files; `file://` is a local path.
URL_SCHEME = re.compile(r"^\s*[a-z][a-z0-9+.-]*://", re.I)
# A Windows drive letter starting a path.
WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
# A URL whose scheme and server are written out before any part computed at run time (shown
# in braces): the place is that server, whatever the rest.
SERVER_WRITTEN = re.compile(r"[a-z][a-z0-9+.-]*://[^/{}\s]+/", re.I)


def language_of(path: Path) -> str | None:
    """`python`, `notebook` or `sql` by suffix; None for files Lacuna does not analyse."""
    return SUFFIX_LANGUAGE.get(path.suffix.lower())


def discover(paths: Iterable[Path], root: Path, exclude: Iterable[str] = ()) -> Iterator[Path]:
    """Yield analysable files under `paths` in a stable order, skipping tool and VCS folders.

    A path named explicitly is always yielded (even with an unknown suffix) so that the run can
    report it instead of silently ignoring what the user asked for. When `exclude` leaves
    nothing of what the folders hold, the run stops (exit 2): a gate that checks nothing must
    say so, not pass.
    """
    patterns = list(exclude)
    seen: set[str] = set()  # as Path spells them; strings hash faster than Paths
    excluded = 0
    for path in paths:
        if path.is_file() or not path.exists():
            if str(path) not in seen:
                seen.add(str(path))
                yield path
            continue
        for folder, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames
                                 if d not in SKIP_DIRS and not d.startswith("."))
            for name in sorted(filenames):
                if os.path.splitext(name)[1].lower() not in SUFFIX_LANGUAGE:
                    continue
                candidate = Path(os.path.join(folder, name))
                if str(candidate) in seen:
                    continue
                if any(fnmatch(relative_to_root(candidate, root), p) for p in patterns):
                    excluded += 1
                    continue
                seen.add(str(candidate))
                yield candidate
    if excluded and not seen:
        raise LacunaError(f"`exclude` ({', '.join(patterns)}) leaves none of the {excluded} "
                          "Python, notebook and SQL files to check; nothing was analysed")


def walk_order(relpath: str) -> tuple[tuple[int, str], ...]:
    """Where a project path comes in the order `discover` walks a folder: a folder's files (by
    name) before its subfolders (by name), depth first."""
    *folders, name = relpath.split("/")
    return (*((1, folder) for folder in folders), (0, name))


def relative_to_root(path: Path, root: Path) -> str:
    """The POSIX path of an analysed file relative to the project root (absolute if outside)."""
    # A folder is resolved once, not once per file in it: most files are not links. A link
    # is known by its target inside the project, by its own name when it points outside.
    # Strings, not Path objects: a run computes this for every file of the project.
    folder, name = os.path.split(path)
    unresolved = os.path.join(_resolved_folder(folder), name)
    try:
        resolved = str(path.resolve()) if os.path.islink(path) else unresolved
    except (OSError, RuntimeError):  # a link loop: the extractor reports it, by its own name
        resolved = unresolved
    for candidate in (resolved, unresolved):
        inside = _inside(candidate, str(root))
        if inside is not None:
            text = inside
            break
    else:
        text = Path(resolved).as_posix()
    # A file name that is not valid UTF-8 is shown with U+FFFD rather than crashing the report.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _inside(path: str, root: str) -> str | None:
    """`path` relative to `root` in POSIX form when it lies under it (both absolute and
    normalised, as resolving leaves them), else None: `Path.is_relative_to` on strings."""
    if path == root:
        return "."
    prefix = root if root.endswith(os.sep) else root + os.sep
    if not path.startswith(prefix):
        return None
    return path[len(prefix):].replace(os.sep, "/")


@lru_cache(maxsize=4096)
def _resolved_folder(folder: str) -> str:
    return str(Path(folder or ".").resolve())


def normalise_location(text: str, root: Path | None = None) -> Resource:
    """Turn a path or URL as written in code into a Resource with a normalised name.

    Relative paths are taken from the project root (where pipelines are run from), `~` is kept
    as written, absolute paths inside the project become relative, URLs keep their scheme; a
    `file://` URL is its path, and an fsspec chain (`simplecache::s3://b/k`) its last URL.
    """
    raw = text.strip()
    if "::" in raw and URL_SCHEME.match(raw.rsplit("::", 1)[1]):
        raw = raw.rsplit("::", 1)[1]  # fsspec's chain `simplecache::s3://b/k`: the last one
    lowered = raw.lower()
    if lowered.startswith("file://"):
        raw = urlsplit(raw).path or "/"  # `file:///mnt/share/c.csv` is the path itself
        lowered = raw.lower()
    if lowered.startswith(URL_SCHEMES) or (URL_SCHEME.match(raw)
                                           and not lowered.startswith("file:")):
        return Resource(kind="url", name=raw)
    if raw.startswith("~"):
        return Resource(kind="file", name=posixpath.normpath(raw))
    if WINDOWS_DRIVE.match(raw):  # `Z:\Marketing\c.xlsx`, `G:/My Drive/c.csv`: a drive of
        # the machine (a share, a synced folder), never a path inside the project
        return Resource(kind="file", name="/" + raw.replace("\\", "/"))
    if posixpath.isabs(raw):
        normal = posixpath.normpath(raw)
        if root is None:
            return Resource(kind="file", name=normal)
        try:
            return Resource(kind="file", name=Path(normal).relative_to(root).as_posix())
        except ValueError:
            return Resource(kind="file", name=normal)
    return Resource(kind="file", name=posixpath.normpath(raw.replace("\\", "/")))


def template_under(root: Path, folder: str, name: str) -> str | None:
    """The project path of the one file below `folder` whose path ends with `name`
    (`refresh.sql` in `dags/sql/`); None when no file or several do. Hidden folders are not
    searched."""
    tail = "/" + name.lstrip("./")
    found = []
    for place, folders, files in os.walk(root / folder):
        folders[:] = [f for f in folders if not f.startswith(".")]
        relative = os.path.relpath(place, root).replace(os.sep, "/")
        found += [posixpath.normpath(f"{relative}/{f}") for f in files
                  if f"/{relative}/{f}".endswith(tail)]
    return found[0] if len(found) == 1 else None


def table_resource(name: str, columns: Iterable[str] = ()) -> Resource:
    """A table named as written in SQL, lower-cased and dotted, without quotes."""
    clean = ".".join(part.strip('`"[] ').lower() for part in name.split("."))
    return Resource(kind="table", name=clean, columns=tuple(columns))
