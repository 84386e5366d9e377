"""The check pipeline, stage after stage: discover -> extract -> lineage -> classify -> policy.

Lineage always comes from the whole project as it is on disk: a check of some files (a
pre-commit hook's staged ones) also extracts every other project file as context — from the
per-file cache when unchanged — so the verdict on a change is the same in every clone, whatever
each machine's `.lacuna/` remembers. Extraction (the slow part) runs without holding the
database; classification, policy and the audit append then run in one locked write session, and
this run's decisions and the project's lineage are committed in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lacuna_cli import lineage
from lacuna_cli import lineage_history as history
from lacuna_cli.audit import log as audit_log
from lacuna_cli.central import pull as central_pull
from lacuna_cli.classify import defaults
from lacuna_cli.classify.pipeline import to_classification
from lacuna_cli.classify.run import open_run
from lacuna_cli.config import Config
from lacuna_cli.errors import LacunaError
from lacuna_cli.extract.batch import Extracted, Job, Progress, extract_all
from lacuna_cli.extract.catalog import catalog_digest
from lacuna_cli.extract.places import discover, relative_to_root, walk_order
from lacuna_cli.extract.stamps import Stamps
from lacuna_cli.gcpause import collector_paused
from lacuna_cli.gitinfo import identify
from lacuna_cli.store.caches import (
    analyses_folder, cached_extractions, forget_other_files, store_extractions, store_stamps,
    stored_stamps)
from lacuna_cli.store.lineage import nodes_of_changed_files, save_lineage, stored_labels
from lacuna_cli.models import Classification, Extraction, FileProblem, Finding
from lacuna_cli.policy.decide import decide
from lacuna_cli.policy.engine import PolicyEngine, PolicySet, load_policies
from lacuna_cli.policy.waivers import FileException, Waived, apply_exceptions, load_exceptions
from lacuna_cli.policy.inputs import policy_input
from lacuna_cli.results import CheckResult, ExtractResult, Scope
from lacuna_cli.store import open_store, transaction

if TYPE_CHECKING:
    import duckdb
    import networkx as nx


@dataclass(frozen=True)
class Plan:
    """What a run extracts: the files asked for, then (with context) the project's others."""

    asked: list[Job]
    context: list[Job]

    @property
    def jobs(self) -> list[Job]:
        return [*self.asked, *self.context]


def plan_jobs(paths: list[Path], config: Config, dialect: str | None, context: bool = False,
              skip: AbstractSet[str] = frozenset()) -> Plan:
    """The extraction jobs for `paths` and, with `context`, for every other project file but
    `skip` (project paths already extracted elsewhere)."""
    catalog = catalog_digest(config.api_files)  # parsed when a file is analysed (batch.py)

    def job(path: Path) -> Job:
        relpath = relative_to_root(path, config.root)
        return Job(path, relpath, config.root, config.dialect_for(relpath, dialect),
                   config.api_files, catalog)

    jobs = [job(path) for path in discover(paths, config.root, config.settings.exclude)]
    chosen = {j.relpath for j in jobs} | set(skip)
    others = [j for j in map(job, _project_files(config)) if j.relpath not in chosen] \
        if context else []
    return Plan(jobs, others)


def cached_analyses(config: Config, jobs: list[Job]) -> dict[str, tuple[str, str]]:
    """The extraction cache's rows for `jobs` (none before the first run)."""
    if not config.db_path.exists():
        return {}
    with open_store(config.db_path) as connection:
        return cached_extractions(connection, analyses_folder(config.db_path),
                                  (j.relpath for j in jobs))


def extract_paths(paths: list[Path], config: Config, dialect: str | None,
                  progress: Progress | None = None, context: bool = False,
                  skip: AbstractSet[str] = frozenset()) -> ExtractResult:
    """Discover and extract every file under `paths` (the `lacuna extract` command), reusing
    the cached analysis of files whose content has not changed. With `context`, every other
    file of the project too (one batch, one pool), kept apart as lineage context. `skip`:
    project paths already extracted elsewhere."""
    plan = plan_jobs(paths, config, dialect, context, skip)
    return _split(plan, extract_all(plan.jobs, cached_analyses(config, plan.jobs), progress),
                  context)


def _split(plan: Plan, extracted: Extracted, context: bool) -> ExtractResult:
    """The extractions of the files asked for, and apart from them those of the others."""
    asked = {j.relpath for j in plan.asked}
    extractions = extracted.extractions
    return ExtractResult(files=len(plan.asked), fresh=extracted.fresh,
                         analyses=extracted.analyses,
                         extractions=[e for e in extractions if e.path in asked],
                         context=[e for e in extractions if e.path not in asked]
                         if context else None)


def _project_files(config: Config) -> list[Path]:
    """Every analysable file of the project; none when `exclude` leaves none (the files asked
    for are then all there is)."""
    try:
        return list(discover([config.root], config.root, config.settings.exclude))
    except LacunaError:
        return []


HELD_WHILE_ANALYSING = 8  # files a check analyses with the database open (see `check`)


def check(paths: list[Path], config: Config, dialect: str | None,
          opa_url: str | None = None, scopes: Sequence[Scope] = (),
          progress: Progress | None = None) -> CheckResult:
    """Run every stage and record the decisions and lineage in the audit store. Layer 2's
    model is loaded only if some name reaches it (most runs never do: loading it costs more
    CPU and memory than extracting the standard library).

    The database is opened once, for writing, before the cache is read: a commit's check,
    whose other files all come from the cache, pays for one open. When more than
    HELD_WHILE_ANALYSING files must be analysed it is let go meanwhile (other lacuna
    processes would wait for it) and opened again to record the decisions. A first check
    (no database yet) creates it only to record them, so one stopped by a bad policy or
    config leaves none behind.

    The collector is paused throughout (see `gcpause`): re-enabled between reading the cache
    and deciding, its first collection walked every analysis just decoded (a twentieth of a
    warm check); files analysed in this process are still collected (`collections_spaced`)."""
    plan = plan_jobs(paths, config, dialect, context=True)
    with collector_paused(), ExitStack() as held:
        connection: duckdb.DuckDBPyConnection | None = None
        cached: dict[str, tuple[str, str]] = {}
        stamps = Stamps()
        if config.db_path.exists():
            connection = held.enter_context(open_store(config.db_path, write=True))
            cached = cached_extractions(connection, analyses_folder(config.db_path),
                                        (j.relpath for j in plan.jobs))
            stamps = Stamps(stored_stamps(connection, (j.relpath for j in plan.jobs)))

        def let_go_for_many(count: int) -> None:
            nonlocal connection
            if connection is not None and count > HELD_WHILE_ANALYSING:
                held.close()
                connection = None

        extracted = replace(_split(plan, extract_all(plan.jobs, cached, progress,
                                                     let_go_for_many, stamps), context=True),
                            stamped=stamps.learned)
        return check_extracted(extracted, config, opa_url, scopes, connection)


def check_extracted(extracted: ExtractResult, config: Config, opa_url: str | None = None,
                    scopes: Sequence[Scope] = (),
                    connection: duckdb.DuckDBPyConnection | None = None) -> CheckResult:
    """Every stage after extraction; only what all `scopes` keep is reported and audited.
    Without context yet (a notebook session's cells), the project's files are extracted as
    context first. `connection`: the database, already open for writing."""
    if extracted.context is None:
        analysed = {e.path for e in extracted.extractions}
        gathered = extract_paths([], config, None, context=True, skip=analysed)
        extracted = replace(extracted, context=gathered.context,
                            fresh=[*extracted.fresh, *gathered.fresh],
                            analyses={**gathered.analyses, **extracted.analyses})
    with collector_paused():
        return _decide_extracted(extracted, config, opa_url, scopes, connection)


@contextmanager
def _writable(config: Config, connection: duckdb.DuckDBPyConnection | None
              ) -> Iterator[duckdb.DuckDBPyConnection]:
    """`connection` when the caller holds the database open, else the database opened."""
    if connection is not None:
        yield connection
        return
    with open_store(config.db_path, write=True) as opened:
        yield opened


def _decide_extracted(extracted: ExtractResult, config: Config, opa_url: str | None,
                      scopes: Sequence[Scope], connection: duckdb.DuckDBPyConnection | None
                      ) -> CheckResult:
    """Policies, exceptions and identity first (a bad one stops the run before the database
    is touched), then lineage, classification, decisions, waivers, and the audit append and
    stored lineage in one transaction."""
    exceptions = load_exceptions(config.exceptions_path, config.settings.exceptions)
    policies, engine = load_policies(config, opa_url)
    identity = identify(config.root, config.settings.user)
    analysed = {e.path for e in extracted.extractions}
    context = extracted.context or []
    with _writable(config, connection) as database:
        # one order whatever was asked: what a node merges must not depend on the command
        every = sorted([*extracted.extractions, *context], key=lambda e: walk_order(e.path))
        graph = lineage.build_graph(every)
        classification = open_run(database, config)
        central_pull.apply(database, graph, classification.classifier, config)
        learned = history.stored(database)  # read once: applied now, updated at the end
        history.apply(database, graph, classification.classifier, learned)
        only, kept = _reclassified(database, graph, extracted) if context else (None, None)
        classifications = classification.classify(graph, only, kept)
        decided = _decide(extracted, classifications, policies, engine, config,
                          identity.actor, exceptions)
        findings = [f for f in decided.findings if all(s.keeps(f) for s in scopes)]
        with transaction(database):
            now = audit_log.utc_now()
            records = audit_log.record(database, [
                *classification.record_overrides(identity, now),
                *audit_log.entries_for(findings, identity, now)], now, config.audit_key_path)
            files = _on_disk(graph, config.root, {e.path for e in context})
            changed = save_lineage(database, graph, files, classifications, every,
                                   extracted.analyses)
            history.record(database, graph, files, classifications, now, identity.commit,
                           learned, changed)
            store_extractions(database, analyses_folder(config.db_path), extracted.fresh)
            forget_other_files(database, analyses_folder(config.db_path),
                               extracted.analyses.keys() | analysed)
            store_stamps(database, extracted.stamped)
    return CheckResult(files=extracted.files, findings=findings,
                       errors=[*classification.problems,
                               *_kept([*extracted.errors, *decided.errors], scopes)],
                       policies=policies, audited=len(records), classifications=classifications,
                       notices=[*_kept(decided.notices, scopes), *_context_problems(context)],
                       paths=tuple(sorted(analysed)), bad_config=bool(classification.problems))


def _reclassified(connection: duckdb.DuckDBPyConnection, graph: nx.MultiDiGraph,
                  extracted: ExtractResult
                  ) -> tuple[set[str] | None, dict[str, tuple[str, list[str]]] | None]:
    """For a check of some files of a project whose lineage is stored: the nodes their code,
    and that of other files changed since the lineage was stored, may change the
    classification of (see `lineage.affected_by`), and the stored labels the
    rest of the lineage keeps, so a one-file check does not re-classify the whole project.
    (None, None) — classify everything — when a node outside has no stored label (no full
    check yet, or the project changed since) or the reviewed classifications changed."""
    touched = {node.id for e in extracted.extractions for node in e.nodes}
    touched |= {end for e in extracted.extractions for edge in e.edges
                for end in (edge.source, edge.target)}
    # and what other files now write differently from the stored lineage (edited, not asked)
    every = [*extracted.extractions, *(extracted.context or ())]
    touched |= nodes_of_changed_files(connection, every, extracted.analyses)
    # what is decided: the files' own operations and those other files make through them
    # (a caller's send through a helper of these files carries the caller's data)
    data_nodes = extracted.data_nodes
    touched |= {data_nodes[op.id] for op in extracted.operations if op.id in data_nodes}
    only = lineage.affected_by(graph, touched)
    kept = stored_labels(connection)
    if any(node not in only and node not in kept and (graph.pred[node] or graph.succ[node])
           for node in graph):  # a node of no edge is stored by no check
        return None, None
    return only, kept


def _on_disk(graph: nx.MultiDiGraph, root: Path, found: set[str]) -> set[str]:
    """The origins of the graph's edges that are files: a notebook session's cells are code
    that exists nowhere, so they are never stored as part of the project's lineage. `found`:
    project files this run found on disk (the context), whose origins need no look (one
    `stat` per file was a tenth of a one-file check of a 2,000-file project)."""
    origins = {edge.location.path for _, _, edge in graph.edges(data="edge")}
    return {path for path in origins if path in found or (root / path).is_file()}


def _context_problems(context: list[Extraction]) -> list[FileProblem]:
    """One warning for the project files outside the check that could not be analysed: what
    they write is missing from the lineage (their own errors belong to a check of them)."""
    broken = sorted({error.path for e in context for error in e.errors})
    if not broken:
        return []
    others = f" (and {len(broken) - 1} other project file(s))" if len(broken) > 1 else ""
    return [FileProblem(path=broken[0], message=f"not analysed{others}: what it writes is missing "
                      "from the lineage of this check; `lacuna check` it for the reason")]


def _kept(problems: list[FileProblem], scopes: Sequence[Scope]) -> list[FileProblem]:
    return [p for p in problems if all(s.keeps_problem(p) for s in scopes)]


def _decide(
    extracted: ExtractResult, classifications: Mapping[str, Classification], policies: PolicySet,
    engine: PolicyEngine, config: Config, actor: str, exceptions: list[FileException],
) -> Waived:
    """One batch through the engine (closed afterwards), then the exceptions applied."""
    operations = extracted.operations
    user = {"id": actor, "role": config.settings.role}
    context = {"purpose": config.settings.purpose, "environment": config.environment}
    data_nodes = extracted.data_nodes
    classified = [_classification_of(data_nodes.get(op.id), classifications)
                  for op in operations]
    inputs = [policy_input(op, c, user, context) for op, c in zip(operations, classified,
                                                                  strict=True)]
    decisions = decide(engine, policies, inputs)
    # Built from models validated already: re-validating 10,000 of them costs more than deciding.
    findings = [Finding.model_construct(operation=op, classification=classification,
                                        decision=decision)
                for op, classification, decision in zip(operations, classified, decisions,
                                                        strict=True)]
    return apply_exceptions(
        findings, {e.path: e.allows for e in extracted.extractions if e.allows}, exceptions,
        datetime.now(UTC).date(), config.settings.exceptions, policies.entry.steward)


def _classification_of(data_node: str | None, classifications: Mapping[str, Classification]
                       ) -> Classification:
    """The classification of the data an operation handles (that of its `data_node`); an
    operation no data flows into (a mail or HTTP call sending only constants) carries none."""
    if data_node is not None and data_node in classifications:
        return classifications[data_node]
    return to_classification(defaults.no_data("this operation"))
