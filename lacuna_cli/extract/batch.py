"""Extracting many files: a per-file cache keyed by content hash; a pool of processes
(`pool.py`) when there are many to analyse.

A warm run hashes each file (or trusts the hash stored with its unchanged stat: `stamps.py`),
but re-analyses only what changed: the cache in the DuckDB file is keyed by the file's bytes,
the SQL dialect, a fingerprint of the extractor's own code (an upgraded Lacuna never trusts an
old analysis) and, for dbt models, the project's own files (a renamed source schema renames
what every model reads). Data-file headers that fed an analysis are re-read and compared, so a
new `email` column in a CSV is seen.
Cold runs over many files spread the libcst work over the machine's cores.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import NamedTuple
from pathlib import Path

import orjson

from lacuna_cli import __version__
from lacuna_cli.extract import extract_file
from lacuna_cli.extract.catalog import load_catalog
from lacuna_cli.gcpause import collections_spaced, collector_paused
from lacuna_cli.extract.dbt_project import forget_projects, project_inputs_key
from lacuna_cli.extract.notebook_run import run_dependencies
from lacuna_cli.extract.project_files import digest_of
from lacuna_cli.extract.pyimports import forget_module_files
from lacuna_cli.extract.schema import forget_headers, header_columns
from lacuna_cli.extract.source import SourceProblem, read_source
from lacuna_cli.extract.stamps import Stamps
from lacuna_cli.models import Extraction
from lacuna_cli.shipped import shipped_dir
from lacuna_cli.store.caches import analysis_id

PARALLEL_FROM = 24  # files to analyse before a process pool pays for its start-up
# Called once per file analysed: (files done, files to analyse, project path).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Job:
    path: Path
    relpath: str
    root: Path
    dialect: str | None
    apis: tuple[Path, ...] = ()  # the project's own catalog files
    catalog: str = ""  # the digest of every catalog file: a changed row re-analyses

    def run(self) -> Extraction:
        return extract_file(self.path, self.relpath, self.root, self.dialect, self.apis)


@dataclass(frozen=True)
class Cached:
    """One cache row: what was extracted from a file with this digest."""

    path: str
    digest: str
    payload: str

    @cached_property
    def analysis(self) -> str:
        """Its identity (`caches.analysis_id`): hashed once, for the lineage and the cache."""
        return analysis_id(self.payload)


class Extracted(NamedTuple):
    """What `extract_all` gives: the extractions in job order, the cache rows of the files
    analysed this time, and which analysis each extraction is (`analysis_id`, by path)."""

    extractions: list[Extraction]
    fresh: list[Cached]
    analyses: dict[str, str]


@cache
def extractor_fingerprint() -> str:
    """Lacuna's version and the bytes of the extract stage's code and of the shipped tables it
    reads besides the catalog (`rules/shell/`: the database clients a command may run)."""
    digest = hashlib.sha256(__version__.encode())
    for source in [*sorted(Path(__file__).parent.glob("*.py")),
                   *sorted((shipped_dir("rules") / "shell").glob("*.yaml"))]:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def file_digest(job: Job, projects: dict[Path, str] | None = None,
                stamps: Stamps | None = None) -> str | None:
    """The cache key of a file: its bytes (read like the extractor reads them: never a FIFO
    or a device, never past the size cap; their hash from `stamps` while the file's stat says
    it is unchanged), those of the notebooks it `%run`s, the dialect, the library catalog and
    the dbt project files around it."""
    try:
        content = (stamps or Stamps()).read(job.path, job.relpath)
        key = hashlib.sha256(content.content_hash.encode())
        if content.runs:
            text = read_source(job.path).decode("utf-8", "replace")
            for included in run_dependencies(job.path, text, job.root):
                key.update(hashlib.sha256(included).digest())
    except SourceProblem:
        return None
    key.update(f"\0{job.dialect or ''}\0{job.catalog}\0{extractor_fingerprint()}".encode())
    key.update(project_inputs_key(job.path, job.root, {} if projects is None else projects
                                  ).encode())
    return key.hexdigest()


def encode_analysis(extraction: Extraction, root: Path) -> str:
    """The extraction, the lineage node of each operation (not part of the JSON contract) and
    the headers of the data files it read."""
    headers = {source.name: list(source.columns) for op in extraction.operations
               for source in op.sources if source.kind == "file" and source.columns}
    return orjson.dumps({
        "extraction": extraction.model_dump(mode="json"),
        "data_nodes": extraction.data_nodes,
        "headers": {name: list(header_columns(root / name)) for name in headers},
        "modules": {name: digest_of(root / name) for name in extraction.imports},
    }).decode()


# What `decode_analysis` raises on text that is not an analysis (damaged or altered).
NOT_AN_ANALYSIS = (ValueError, KeyError, TypeError)


def decode_analysis(payload: str, root: Path) -> Extraction | None:
    """A stored analysis (from the cache or a shard file); None when a data file it read or a
    module it imports changed since, so the file must be analysed again."""
    document = orjson.loads(payload)
    for name, columns in document["headers"].items():
        if list(header_columns(root / name)) != columns:
            return None  # a data file's header changed since: analyse again
    for name, digest in document.get("modules", {}).items():
        if digest_of(root / name) != digest:
            return None  # a module it imports constants from changed
    return Extraction.model_validate({**document["extraction"],
                                      "data_nodes": document["data_nodes"]})


def _still_valid(payload: str, root: Path) -> Extraction | None:
    """A cached analysis; None when it no longer holds (`decode_analysis`) or cannot be read
    (its file damaged outside Lacuna): the file is then analysed again."""
    try:
        return decode_analysis(payload, root)
    except NOT_AN_ANALYSIS:
        return None


def extract_all(jobs: list[Job], cached: dict[str, tuple[str, str]],
                progress: Progress | None = None,
                before_analysing: Callable[[int], None] | None = None,
                stamps: Stamps | None = None) -> Extracted:
    """Extractions in job order, the cache rows of files analysed this time, and the identity
    of each extraction's analysis (none for a file analysed but not cacheable).
    `before_analysing` is told how many files the cache did not answer for, before any is
    analysed. `stamps`: what earlier runs stored of the files' stats (see `stamps.py`); it
    learns those of the files read this time."""
    results: list[Extraction | None] = [None] * len(jobs)
    analyses: dict[str, str] = {}
    digests: list[str | None] = []
    todo: list[int] = []
    forget_projects()  # dbt projects are read again: their files may have changed
    forget_module_files()  # so are the project files imports resolve to
    forget_headers()  # and the headers of data files
    projects: dict[Path, str] = {}
    with collector_paused():  # decoding allocates every cached model, all kept alive
        for index, job in enumerate(jobs):
            digest = file_digest(job, projects, stamps)
            digests.append(digest)
            hit = cached.get(job.relpath)
            if digest is not None and hit is not None and hit[0] == digest:
                results[index] = _still_valid(hit[1], job.root)
                if results[index] is not None:
                    analyses[job.relpath] = analysis_id(hit[1])
            if results[index] is None:
                todo.append(index)
    if before_analysing is not None:
        before_analysing(len(todo))
    for apis in {jobs[i].apis for i in todo}:
        load_catalog(apis)  # a bad catalog row stops the run here, before any file is analysed
    for done, (index, extraction) in enumerate(_run([jobs[i] for i in todo], todo, progress), 1):
        if progress is not None:
            progress(done, len(todo), jobs[index].relpath)
        results[index] = extraction
    fresh = [Cached(jobs[i].relpath, digest, encode_analysis(result, jobs[i].root))
             for i in todo
             if (digest := digests[i]) is not None and (result := results[i]) is not None]
    analyses.update((row.path, row.analysis) for row in fresh)
    return Extracted([r for r in results if r is not None], fresh, analyses)


def _workers() -> int:
    return min(os.cpu_count() or 1, 8)


def _pooled(files: int) -> bool:
    return files >= PARALLEL_FROM and _workers() >= 2


def _run(jobs: list[Job], indexes: list[int], progress: Progress | None = None
         ) -> Iterable[tuple[int, Extraction]]:
    """(index, extraction) as each file is done, in completion order: analysed here, or in a
    pool of processes (`pool.py`, imported only then) once there are enough of them. This
    process collects at extraction thresholds throughout (`collections_spaced`), analysing
    files itself or receiving the pool's analyses."""
    with collections_spaced():
        if not _pooled(len(jobs)):
            yield from ((index, job.run()) for index, job in zip(indexes, jobs, strict=True))
            return
        from lacuna_cli.extract.pool import pooled_run

        yield from pooled_run(jobs, indexes, _workers(), progress)
