"""What the extractor learns of the project's other files: where each resolves, its digest,
and its syntax tree.

Analysing one file consults the modules it imports, the helpers it calls and their imports
again, and each consultation used to resolve the path, hash the file and parse it anew: on
the standard library, every 8th module checked inside the whole copy resolved paths 70,000
times, hashed files 10,000 times and parsed 1,456 modules where 569 were distinct. Paths and
digests are remembered for one run (`forget` starts the next: files may change between runs);
trees are remembered by resolved path and digest, so an entry is never stale, and only the
most recently used few are kept, since a tree takes about 28 times its source in memory.
"""

from __future__ import annotations

import ast
import hashlib
from collections import OrderedDict
from pathlib import Path

from lacuna_cli.extract.pytree import cpython_tree

# Source bytes whose trees stay in memory (about 28x that in tree objects); a worker reads the
# same few modules (settings, helpers, their imports) for file after file, and what each caller
# makes of a tree is cached apart. Analysing half the standard library in one process, 2 MB
# held 56 MB of trees; 300 KB parsed 65 modules again (3,825 parses instead of 3,760) and
# peaked 49 MB lower. Since the constants of imported modules are read from these trees too
# (`pyimports.bindings_only`), a module's tree is asked for again after its imports were
# followed: on every 8th module, 1 MB parsed 183 fewer trees than 300 KB, cost 9-13% less
# CPU in two side-by-side runs, and peaked 7-10 MB higher (3 MB: 347 fewer, 65 MB higher).
TREE_BUDGET = 1_000_000

_RESOLVED: dict[Path, Path] = {}
_DIGESTS: dict[Path, str | None] = {}
_TREES: OrderedDict[tuple[str, str], tuple[ast.Module, int]] = OrderedDict()


def forget() -> None:
    """Start a new run: files may have been added, changed, moved or removed since."""
    _RESOLVED.clear()
    _DIGESTS.clear()


def resolved(path: Path) -> Path:
    """`path.resolve()`, once per run."""
    found = _RESOLVED.get(path)
    if found is None:
        found = _RESOLVED[path] = path.resolve()
    return found


def relative(path: Path, root: Path) -> str:
    """The project-relative name of a file of the project, as its analysis is keyed."""
    return resolved(path).relative_to(resolved(root)).as_posix()


def digest_of(path: Path) -> str | None:
    """The SHA-256 of a file's bytes as this run first read them, or of a folder's listing
    (the names of the files below it: one added or removed changes it); None when it cannot
    be read. Remembered for the run, so every consumer keys its answer on the same content."""
    if path not in _DIGESTS:
        try:
            _DIGESTS[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except IsADirectoryError:
            _DIGESTS[path] = _listing_digest(path)
        except OSError:
            _DIGESTS[path] = None
    return _DIGESTS[path]


def _listing_digest(folder: Path) -> str | None:
    try:
        names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    except OSError:  # a folder below it that cannot be listed
        return None
    return hashlib.sha256("\0".join(names).encode()).hexdigest()


def parsed(source: str, key: tuple[str, str]) -> ast.Module:
    """CPython's tree of a project module's `source`, `key` being its resolved path and digest.
    Raises what `ast.parse` raises. The tree is shared: callers must not change it."""
    held = _TREES.get(key)
    if held is not None:
        _TREES.move_to_end(key)
        return held[0]
    tree = cpython_tree(source)
    _TREES[key] = (tree, len(source))
    while len(_TREES) > 1 and sum(size for _, size in _TREES.values()) > TREE_BUDGET:
        _TREES.popitem(last=False)
    return tree
