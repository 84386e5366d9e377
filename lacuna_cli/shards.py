"""Extraction split across CI runners: `--shard I/N` writes 1/N of the analyses, `--from-shards`
decides once over all of them.

A monorepo too large for one runner is extracted by N jobs in parallel, each over the files
whose project path hashes to its shard, each with the whole tree checked out: an analysis reads
other project files (constants of imported modules, data-file headers, dbt projects, `%run`
notebooks), so a file's analysis is the same whichever job makes it. A shard file holds a header
(Lacuna and extractor versions, catalog and extraction-settings digests, the digest of the
planned file list, I/N) and one entry per file: its cache key and analysis, failures included.

The merge refuses anything that would make its verdict differ from one run over the tree on
disk — a missing or duplicated shard, shards of another version, config or file list, a file
whose bytes changed since its shard read it — then lineage, classification, policy and the
audit run once. A missing shard is an error, never a partial pass.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import orjson

from lacuna_cli import __version__
from lacuna_cli.config import Config
from lacuna_cli.errors import LacunaError
from lacuna_cli.extract.batch import (
    NOT_AN_ANALYSIS,
    Cached,
    Progress,
    decode_analysis,
    encode_analysis,
    extract_all,
    extractor_fingerprint,
    file_digest,
)
from lacuna_cli.extract.catalog import load_catalog
from lacuna_cli.models import Extraction
from lacuna_cli.results import ExtractResult
from lacuna_cli.scan import Plan, cached_analyses, plan_jobs

FORMAT = "lacuna-shard/1"
SUFFIX = ".jsonl.gz"
FILE_NAME = re.compile(r"lacuna-shard-(\d+)-of-(\d+)\.jsonl\.gz")
SPEC = re.compile(r"(\d+)/(\d+)")
# The settings that change what extraction produces; the others (policies, role, purpose...)
# are read by the merge, which decides.
EXTRACTION_SETTINGS = ("dialect", "dialects", "exclude", "apis")
# What every shard of one run and the merging checkout must agree on, and how to name it.
AGREED = {
    "format": "file format",
    "lacuna": "Lacuna version",
    "extractor": "extractor code",
    "catalog": "library catalog",
    "settings": "extraction settings (paths, --dialect, dialect, dialects, exclude, apis)",
    "files": "list of project files",
    "of": "shard count",
}


@dataclass(frozen=True)
class ShardSpec:
    """Shard `index` of `count` (1-based), as `--shard I/N` spells it."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> ShardSpec:
        match = SPEC.fullmatch(text.strip())
        if match is None or not 1 <= int(match[1]) <= int(match[2]):
            raise LacunaError(f"--shard {text}: expected I/N with 1 <= I <= N (e.g. 2/4)")
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, relpath: str) -> bool:
        return shard_of(relpath, self.count) == self.index


def shard_of(relpath: str, count: int) -> int:
    """The shard (1..count) that extracts a file: a hash of its project path, the same on every
    machine and every run, so each shard's share is stable as files come and go."""
    digest = hashlib.sha256(relpath.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


@dataclass(frozen=True)
class Header:
    """The first line of a shard file: what it was extracted with, and which share it holds."""

    format: str
    lacuna: str
    extractor: str
    catalog: str
    settings: str
    files: str
    paths: tuple[str, ...]
    dialect: str | None
    total: int  # files in the whole plan, over all shards
    shard: int
    of: int

    def differs(self, other: Header) -> str | None:
        """The first agreed field where `other` differs, named for an error line."""
        for name, label in AGREED.items():
            if getattr(self, name) != getattr(other, name):
                if name == "lacuna":
                    return f"{label} ({other.lacuna}, not {self.lacuna})"
                if name == "of":
                    return f"{label} (of {other.of}, not of {self.of})"
                return label
        return None


@dataclass(frozen=True)
class Written:
    """What a shard run wrote, for its one summary line."""

    file: Path
    files: int  # this shard's share
    analysed: int  # of which not taken from the cache
    total: int


def write_shard(paths: list[Path], config: Config, dialect: str | None, spec: ShardSpec,
                directory: Path, progress: Progress | None = None) -> Written:
    """Extract this shard's share of the project (the files under `paths`, then the others as
    context, like a check) into `directory`. The database is only read (the cache of an earlier
    run): shards may run side by side, and the merge stores what they found."""
    plan = plan_jobs(paths, config, dialect, context=True)
    header = _header(plan, config, [_project_path(p, config.root) for p in paths], dialect,
                     spec)
    mine = [job for job in plan.jobs if spec.owns(job.relpath)]
    cached = cached_analyses(config, mine)
    extractions, fresh, _ = extract_all(mine, cached, progress)
    analysed = {row.path: row for row in fresh}
    projects: dict[Path, str] = {}
    rows = []
    for job, extraction in zip(mine, extractions, strict=True):
        row = analysed.get(job.relpath)
        if row is None:
            digest = file_digest(job, projects)
            hit = cached.get(job.relpath)
            payload = hit[1] if hit is not None and digest is not None and hit[0] == digest \
                else encode_analysis(extraction, job.root)
            row = Cached(job.relpath, digest or "", payload)
        rows.append(row)
    target = directory / f"lacuna-shard-{spec.index}-of-{spec.count}{SUFFIX}"
    _write(target, header, rows)
    return Written(target, len(mine), len(fresh), len(plan.jobs))


def merge_shards(directory: Path, config: Config) -> ExtractResult:
    """Every file's analysis from the complete set of shards in `directory` (searched
    recursively: an artifact download may put each in a folder of its own), checked against
    the tree on disk. Entries that differ from the local cache become its fresh rows."""
    shards = _read_headers(directory)
    first_file, first = next(iter(shards.values()))
    plan = plan_jobs([_on_disk(p, config.root) for p in first.paths], config, first.dialect,
                     context=True)
    here = _header(plan, config, list(first.paths), first.dialect, ShardSpec(1, first.of))
    if (difference := first.differs(here)) is not None:
        raise LacunaError(f"{first_file}: the shards differ from this checkout in their "
                          f"{difference}; extract them again from this commit with this config")
    entries: dict[str, Cached] = {}
    for file, header in shards.values():
        for row in _entries(file):
            if shard_of(row.path, header.of) != header.shard or row.path in entries:
                raise LacunaError(f"{file}: {row.path}: not a file of shard {header.shard}/"
                                  f"{header.of}; the shard file was altered")
            entries[row.path] = row
    return _verified(plan, entries, shards, config)


def _verified(plan: Plan, entries: dict[str, Cached],
              shards: dict[int, tuple[Path, Header]], config: Config) -> ExtractResult:
    """The plan's extractions from the entries, each checked against the file on disk."""
    count = next(iter(shards.values()))[1].of
    cached = cached_analyses(config, plan.jobs)
    projects: dict[Path, str] = {}
    extractions: list[Extraction] = []
    fresh: list[Cached] = []
    for job in plan.jobs:
        file = shards[shard_of(job.relpath, count)][0]
        row = entries.get(job.relpath)
        if row is None:
            raise LacunaError(f"{file}: {job.relpath}: missing from its shard; the shard file "
                              "was altered")
        if (file_digest(job, projects) or "") != row.digest:
            raise LacunaError(f"{job.relpath}: changed since {file.name} analysed it; extract "
                              "the shards again from this commit")
        extraction = _decoded(row, job.root, file)
        if extraction is None:
            raise LacunaError(f"{job.relpath}: a data file it reads or a module it imports "
                              f"changed since {file.name} analysed it; extract the shards again "
                              "from this commit")
        extractions.append(extraction)
        if row.digest and cached.get(job.relpath, ("",))[0] != row.digest:
            fresh.append(row)
    if len(entries) != len(plan.jobs):
        extra = min(set(entries) - {job.relpath for job in plan.jobs})
        raise LacunaError(f"{extra}: in a shard but not a project file here; extract the "
                          "shards again from this commit")
    asked = len(plan.asked)
    return ExtractResult(files=asked, extractions=extractions[:asked],
                         context=extractions[asked:], fresh=fresh,
                         analyses={row.path: row.analysis for row in entries.values()})


def _decoded(row: Cached, root: Path, file: Path) -> Extraction | None:
    """The entry's analysis; None when a file it depends on changed since."""
    try:
        return decode_analysis(row.payload, root)
    except NOT_AN_ANALYSIS as exc:
        raise LacunaError(f"{file}: {row.path}: not a readable analysis ({type(exc).__name__})"
                          "; the shard file was altered") from exc


def _header(plan: Plan, config: Config, paths: list[str], dialect: str | None,
            spec: ShardSpec) -> Header:
    settings = config.settings.model_dump(include=set(EXTRACTION_SETTINGS))
    listed = hashlib.sha256()
    for job in plan.asked:
        listed.update(f"{job.relpath}\0".encode("utf-8", "surrogateescape"))
    listed.update(b"\0")
    for job in plan.context:
        listed.update(f"{job.relpath}\0".encode("utf-8", "surrogateescape"))
    return Header(
        format=FORMAT, lacuna=__version__, extractor=extractor_fingerprint(),
        catalog=load_catalog(config.api_files).digest,
        settings=hashlib.sha256(orjson.dumps({"settings": settings, "paths": paths,
                                              "dialect": dialect},
                                             option=orjson.OPT_SORT_KEYS)).hexdigest(),
        files=listed.hexdigest(), paths=tuple(paths), dialect=dialect,
        total=len(plan.jobs), shard=spec.index, of=spec.count)


def _project_path(path: Path, root: Path) -> str:
    """A path the shard was asked for, as the merge finds it again from its own checkout:
    relative to the project root (absolute when outside it)."""
    resolved = path.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) \
        else resolved.as_posix()


def _on_disk(path: str, root: Path) -> Path:
    return Path(path) if Path(path).is_absolute() else root / path


def _write(target: Path, header: Header, rows: list[Cached]) -> None:
    """Header line, then one line per file; written beside and renamed, so a shard file is
    whole or absent."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(partial, "wb", compresslevel=1) as handle:
            handle.write(orjson.dumps(asdict(header)) + b"\n")
            for row in rows:
                handle.write(orjson.dumps([row.path, row.digest, row.payload]) + b"\n")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise LacunaError(f"{target}: cannot write the shard: {exc.strerror}") from exc


def _read_headers(directory: Path) -> dict[int, tuple[Path, Header]]:
    """Each shard's file and header, by shard number: all of 1..N, agreeing with each other."""
    if not directory.is_dir():
        raise LacunaError(f"{directory}: shard directory not found")
    files = sorted(path for path in directory.rglob(f"lacuna-shard-*{SUFFIX}")
                   if FILE_NAME.fullmatch(path.name))
    if not files:
        raise LacunaError(f"{directory}: no shard files (lacuna-shard-I-of-N{SUFFIX}); run "
                          "`lacuna check --shard I/N --shard-dir DIR` for each shard first")
    shards: dict[int, tuple[Path, Header]] = {}
    for file in files:
        header = _header_of(file)
        if shards:
            first_file, first = next(iter(shards.values()))
            if (difference := first.differs(header)) is not None:
                raise LacunaError(f"{file}: shard {header.shard}/{header.of} differs from "
                                  f"{first_file.name} in its {difference}; extract every "
                                  "shard with the same Lacuna, config and commit")
        if header.shard in shards:
            raise LacunaError(f"{file}: shard {header.shard}/{header.of} again (also "
                              f"{shards[header.shard][0]}); keep one file per shard")
        shards[header.shard] = (file, header)
    count = next(iter(shards.values()))[1].of
    missing = [str(index) for index in range(1, count + 1) if index not in shards]
    if missing:
        raise LacunaError(f"{directory}: shard(s) {', '.join(missing)} of {count} missing (found "
                          f"{len(shards)}); every shard is needed, a partial merge would pass "
                          "files nobody checked")
    return shards


def _header_of(file: Path) -> Header:
    try:
        with gzip.open(file, "rb") as handle:
            raw = orjson.loads(handle.readline())
        names = {f.name for f in fields(Header)}
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or set(raw) != names:
            raise ValueError(f"not a {FORMAT} header")
        header = Header(**{**raw, "paths": tuple(raw["paths"])})
    except (OSError, EOFError, ValueError, TypeError) as exc:
        raise LacunaError(f"{file}: not a readable Lacuna shard file ({exc})") from exc
    if file.name != f"lacuna-shard-{header.shard}-of-{header.of}{SUFFIX}":
        raise LacunaError(f"{file}: its header says shard {header.shard}/{header.of}; the file "
                          "was renamed")
    return header


def _entries(file: Path) -> list[Cached]:
    """The file entries after the header line."""
    rows = []
    try:
        with gzip.open(file, "rb") as handle:
            handle.readline()
            rows = [_entry(line, file, number) for number, line in enumerate(handle, start=2)]
    except (OSError, EOFError) as exc:
        raise LacunaError(f"{file}: cannot read the shard: {exc}") from exc
    return rows


def _entry(line: bytes, file: Path, number: int) -> Cached:
    try:
        path, digest, payload = orjson.loads(line)
        if not all(isinstance(value, str) for value in (path, digest, payload)):
            raise ValueError("not three strings")
    except (ValueError, TypeError) as exc:
        raise LacunaError(f"{file}: line {number}: not a shard entry ({exc})") from exc
    return Cached(path, digest, payload)

