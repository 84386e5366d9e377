"""The check pipeline, stage after stage: discover -> extract -> lineage -> classify -> policy.

Extraction (the slow part) runs without holding the database; classification, policy and the
audit append then run in one locked write session, so lineage context stored by earlier runs
is read and this run's decisions and lineage are committed in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from lacuna_cli import lineage
from lacuna_cli.audit import log as audit_log
from lacuna_cli.classify import defaults, embeddings
from lacuna_cli.classify.pipeline import to_classification
from lacuna_cli.classify.run import open_run
from lacuna_cli.config import Config
from lacuna_cli.extract.batch import (
    Cached, Job, Progress, extract_all, load_cache, store_cache,
)
from lacuna_cli.extract.catalog import load_catalog
from lacuna_cli.extract.files import discover, relative_to_root
from lacuna_cli.gitinfo import identify
from lacuna_cli.lineage_store import load_context, save_lineage
from lacuna_cli.models import Classification, Extraction, FileError, Finding, Operation
from lacuna_cli.policy.decide import decision_for
from lacuna_cli.policy.engine import PolicyEngine, PolicySet, evaluate_unique, load_policy_set
from lacuna_cli.policy.exceptions import FileException, Outcome, apply_exceptions, load_exceptions
from lacuna_cli.policy.inputs import policy_input
from lacuna_cli.resources import shipped_dir
from lacuna_cli.store import open_store


@dataclass
class ExtractResult:
    files: int
    extractions: list[Extraction]
    fresh: list[Cached] = field(default_factory=list)  # analyses to cache in the write session

    @property
    def operations(self) -> list[Operation]:
        return [op for e in self.extractions for op in e.operations]

    @property
    def errors(self) -> list[FileError]:
        """Each problem once: a broken dbt_project.yml is reported by every model it affects."""
        return list(dict.fromkeys(error for e in self.extractions for error in e.errors))




class Scope(Protocol):
    """Which of a run's results it reports and audits: all by default; changed lines only with
    `--diff-base`, new findings only with `--baseline`, the current cell in a notebook."""

    def keeps(self, finding: Finding) -> bool: ...

    def keeps_problem(self, problem: FileError) -> bool: ...


@dataclass
class CheckResult:
    files: int
    findings: list[Finding]
    errors: list[FileError]
    policies: PolicySet
    audited: int = 0
    classifications: dict[str, Classification] = field(default_factory=dict)
    # Worth a look but not failing the run: unused or expired exceptions.
    notices: list[FileError] = field(default_factory=list)
    # Project paths of every analysed file (context included), for stale-baseline detection.
    paths: tuple[str, ...] = ()

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def unresolved(self) -> int:
        """Operations whose source or destination Lacuna could not resolve: the run's blind
        spots, reported beside the verdict so its coverage is visible."""
        return sum(1 for f in self.findings if f.unresolved)


def extract_paths(paths: list[Path], config: Config, dialect: str | None,
                  progress: Progress | None = None, meanwhile: Callable[[], None] | None = None
                  ) -> ExtractResult:
    """Discover and extract every file under `paths` (the `lacuna extract` command), reusing
    the cached analysis of files whose content has not changed. `meanwhile` runs when many
    files go to a process pool."""
    catalog = load_catalog(config.api_files)  # a bad row stops here, before any file
    jobs = []
    for path in discover(paths, config.root, config.settings.exclude):
        relpath = relative_to_root(path, config.root)
        jobs.append(Job(path, relpath, config.root, config.dialect_for(relpath, dialect),
                        config.api_files, catalog.digest))
    cached: dict[str, tuple[str, str]] = {}
    if config.db_path.exists():
        with open_store(config.db_path) as connection:
            cached = load_cache(connection, (job.relpath for job in jobs))
    extractions, fresh = extract_all(jobs, cached, progress, meanwhile)
    return ExtractResult(files=len(jobs), extractions=extractions, fresh=fresh)


def load_policies(config: Config, opa_url: str | None = None) -> tuple[PolicySet, PolicyEngine]:
    """The engine and the annotated policies it evaluates; fails closed on any error.

    With an OPA URL (option, then LACUNA_OPA_URL or the trusted config) the server's policies
    decide; otherwise the shipped policies, the trusted config's folders and the project's
    folders (which may only add), embedded in process.
    """
    url = opa_url or config.settings.opa_url
    if url:
        from lacuna_cli.policy.remote import RemoteEngine

        remote = RemoteEngine(url, config.settings.opa_token, config.settings.opa_timeout)
        try:
            return remote.policy_set(), remote
        except BaseException:
            remote.close()
            raise
    from lacuna_cli.policy.embedded import EmbeddedEngine

    policy_set = load_policy_set([shipped_dir("policies"), *config.trusted_policy_dirs],
                                 config.policy_dirs)
    return policy_set, EmbeddedEngine(policy_set)


def check(paths: list[Path], config: Config, dialect: str | None,
          opa_url: str | None = None, scopes: Sequence[Scope] = (),
          progress: Progress | None = None) -> CheckResult:
    """Run every stage and record the decisions and lineage in the audit store. While a pool
    extracts many files, layer 2's model loads (a run over many new files rarely has every
    column name in the cache)."""
    meanwhile = embeddings.preload if config.settings.embeddings else None
    return check_extracted(extract_paths(paths, config, dialect, progress, meanwhile), config,
                           opa_url, scopes)


def check_extracted(extracted: ExtractResult, config: Config, opa_url: str | None = None,
                    scopes: Sequence[Scope] = ()) -> CheckResult:
    """Every stage after extraction; only what all `scopes` keep is reported and audited."""
    exceptions = load_exceptions(config.exceptions_path, config.settings.exceptions)
    policies, engine = load_policies(config, opa_url)
    identity = identify(config.root, config.settings.user)
    with open_store(config.db_path, write=True) as connection:
        analysed = {e.path for e in extracted.extractions}
        graph = lineage.build_graph(extracted.extractions, *load_context(connection, analysed))
        classification = open_run(connection, config)
        classifications = classification.classify(graph)
        decided = _decide(extracted, classifications, policies, engine, config,
                          identity.actor, exceptions)
        findings = [f for f in decided.findings if all(s.keeps(f) for s in scopes)]
        connection.execute("BEGIN TRANSACTION")
        try:
            now = audit_log.utc_now()
            records = audit_log.append(connection, [
                *classification.record_overrides(identity, now),
                *audit_log.entries_for(findings, identity, now)])
            audit_log.checkpoint(connection, records, now, config.audit_key_path)
            save_lineage(connection, graph, analysed, classifications)
            store_cache(connection, extracted.fresh)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return CheckResult(files=extracted.files, findings=findings,
                       errors=_kept([*extracted.errors, *decided.errors], scopes),
                       policies=policies, audited=len(records), classifications=classifications,
                       notices=_kept(decided.notices, scopes), paths=tuple(sorted(analysed)))


def _kept(problems: list[FileError], scopes: Sequence[Scope]) -> list[FileError]:
    return [p for p in problems if all(s.keeps_problem(p) for s in scopes)]


def _decide(
    extracted: ExtractResult, classifications: dict[str, Classification], policies: PolicySet,
    engine: PolicyEngine, config: Config, actor: str, exceptions: list[FileException],
) -> Outcome:
    """One batch through the engine (closed afterwards), then the exceptions applied."""
    operations = extracted.operations
    user = {"id": actor, "role": config.settings.role}
    context = {"purpose": config.settings.purpose, "environment": config.environment}
    classified = [_classification_of(op, classifications) for op in operations]
    inputs = [policy_input(op, c, user, context) for op, c in zip(operations, classified,
                                                                  strict=True)]
    with closing(engine):
        violations = evaluate_unique(engine, inputs)
    findings = [Finding(operation=op, classification=classification,
                        decision=decision_for(_subject(op), raised, policies))
                for op, classification, raised in zip(operations, classified, violations,
                                                      strict=True)]
    return apply_exceptions(
        findings, {e.path: e.allows for e in extracted.extractions if e.allows}, exceptions,
        datetime.now(UTC).date(), config.settings.exceptions, policies.entry.steward)


def _subject(op: Operation) -> str:
    return f"{op.action} to {op.destination.name}" if op.destination else op.action


def _classification_of(op: Operation, classifications: Mapping[str, Classification]
                       ) -> Classification:
    """The classification of the data an operation handles; an operation no data flows into
    (a mail or HTTP call sending only constants) carries none."""
    if op.data_node is not None and op.data_node in classifications:
        return classifications[op.data_node]
    return to_classification(defaults.no_data("this operation"))
