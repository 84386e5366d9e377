"""What a run produces, as every output, the audit log and the commands read it.

`scan.py` makes these; the renderers in `output/` only read them. The counts of a check (the
summary line, the JSON and SARIF summaries, the report cards) come from `CheckResult.summary`,
so every format states the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from lacuna_cli.models import Classification, Extraction, FileProblem, Finding, Operation

if TYPE_CHECKING:
    from lacuna_cli.extract.batch import Cached
    from lacuna_cli.extract.stamps import Stamped
    from lacuna_cli.policy.engine import PolicySet

Verdict = Literal["blocked", "incomplete", "clean"]


@dataclass
class ExtractResult:
    files: int
    extractions: list[Extraction]
    fresh: list[Cached] = field(default_factory=list)  # analyses to cache in the write session
    stamped: dict[str, Stamped] = field(default_factory=dict)  # file stats to store with them
    # Which analysis each file's extraction is (`caches.analysis_id`): the stored lineage of a
    # file whose analysis is unchanged is not written again. A file missing here always is.
    analyses: dict[str, str] = field(default_factory=dict)
    # The project's other files, for lineage only (never decided nor reported); None: not
    # gathered yet (`check_extracted` gathers it).
    context: list[Extraction] | None = None

    @property
    def operations(self) -> list[Operation]:
        """Every file's operations, less a line's data-free twin: a helper's write or send,
        analysed in its own file, carries only its parameters (data of unknown origin, or
        none), while a call from
        another file reports the same line with the data it passes (`extract/pyproject.py`).
        The same line shown allowed and blocked would only confuse.

        A caller outside the files asked for counts too: checking only the helper a commit
        changes (`lacuna check etl/mailer.py`, as the pre-commit hook does) must report the
        send that the project's job makes through it with its customers, not the helper's
        data-free line alone."""
        asked = {e.path for e in self.extractions}
        placed = [op for e in self.context or () for op in e.operations
                  if op.location.path in asked]
        operations = [*(op for e in self.extractions for op in e.operations), *placed]
        with_data = {_line_of(op) for op in operations if not op.from_parameters}
        return [op for op in operations
                if not op.from_parameters or _line_of(op) not in with_data]

    @property
    def data_nodes(self) -> dict[str, str]:
        """The data node of every operation, by id (those `operations` takes from context
        included)."""
        return {op_id: node for e in [*self.extractions, *(self.context or ())]
                for op_id, node in e.data_nodes.items()}

    @property
    def errors(self) -> list[FileProblem]:
        """Each problem once: a broken dbt_project.yml is reported by every model it affects."""
        return list(dict.fromkeys(error for e in self.extractions for error in e.errors))


# Which way an action moves data; a transform (a filter) is neither.
DIRECTION = {"read": "in", "query": "in", "write": "out", "export": "out"}


def _line_of(op: Operation) -> tuple[object, str]:
    """Where an operation is and which way it moves data: a helper's write to the path its
    caller names is an export once the caller's home folder fills it in; a transform (a
    filter on the same line as a delete) is neither."""
    return op.location, DIRECTION.get(op.action, op.action)


class Scope(Protocol):
    """Which of a run's results it reports and audits: all by default; changed lines only with
    `--diff-base`, new findings only with `--baseline`, the current cell in a notebook."""

    def keeps(self, finding: Finding) -> bool: ...

    def keeps_problem(self, problem: FileProblem) -> bool: ...


@dataclass(frozen=True)
class Summary:
    """The figures of one check. `blocked` fail the run; `suppressed` were denied but allowed
    by an exception; `unresolved` had a source or destination Lacuna could not resolve."""

    files: int
    operations: int
    blocked: int
    allowed: int
    suppressed: int
    errors: int
    unresolved: int
    audited: int

    @property
    def verdict(self) -> Verdict:
        """Blocked when anything is; else incomplete when a file could not be analysed."""
        if self.blocked:
            return "blocked"
        return "incomplete" if self.errors else "clean"


@dataclass
class CheckResult:
    files: int
    findings: list[Finding]
    errors: list[FileProblem]
    policies: PolicySet
    audited: int = 0
    classifications: Mapping[str, Classification] = field(default_factory=dict)
    # Worth a look but not failing the run: unused or expired exceptions.
    notices: list[FileProblem] = field(default_factory=list)
    # Project paths of every checked file (not the context), for stale-baseline detection.
    paths: tuple[str, ...] = ()
    # A config file had an entry that could not apply (it is among `errors`): the run went
    # on, and exits 2 as for the file's other validation errors.
    bad_config: bool = False

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def unresolved(self) -> int:
        """Operations whose source or destination Lacuna could not resolve: the run's blind
        spots, reported beside the verdict so its coverage is visible."""
        return sum(1 for f in self.findings if f.unresolved)

    @property
    def summary(self) -> Summary:
        return Summary(files=self.files, operations=len(self.findings),
                       blocked=len(self.blocking),
                       allowed=sum(1 for f in self.findings if f.decision.allowed),
                       suppressed=sum(1 for f in self.findings if f.suppression),
                       errors=len(self.errors), unresolved=self.unresolved,
                       audited=self.audited)
