"""One run's classification set up from the project config and the DuckDB file.

Gathers what the layers need — rules, the cache, layer 2 on or off, layer 3 if configured, the
overrides in force — and keeps the reviewed file's new or changed overrides until the caller
records them (with their audit events) inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lacuna_cli.classify import overrides
from lacuna_cli.classify.cache import Cache
from lacuna_cli.classify.declared_columns import declare
from lacuna_cli.classify.heuristics import load_rules
from lacuna_cli.classify.layers import ColumnLayers, stderr_notice
from lacuna_cli.classify.llm import LLMClassifier, LLMSettings
from lacuna_cli.classify.override_input import known_tags
from lacuna_cli.classify.pipeline import ClassifiedGraph, Classifier, classify_graph
from lacuna_cli.classify.stored import StoredVerdicts, decision_digest
from lacuna_cli.config import Config
from lacuna_cli.gitinfo import RunIdentity
from lacuna_cli.models import FileProblem

if TYPE_CHECKING:
    import duckdb
    import networkx as nx


@dataclass
class ClassificationRun:
    classifier: Classifier
    connection: duckdb.DuckDBPyConnection
    changed: list[overrides.Override] = field(default_factory=list)
    gone: list[overrides.Override] = field(default_factory=list)

    @property
    def problems(self) -> tuple[FileProblem, ...]:
        """Entries of the reviewed file left out (a data type the catalog does not know)."""
        return self.classifier.declared.problems

    def classify(self, graph: nx.MultiDiGraph, only: set[str] | None = None,
                 kept: Mapping[str, tuple[str, list[str]]] | None = None) -> ClassifiedGraph:
        return classify_graph(graph, self.classifier, only, kept)

    def record_overrides(self, identity: RunIdentity, timestamp: str) -> list[dict]:
        """Store the reviewed file's changes; their audit entries (call inside the transaction)."""
        return overrides.record(self.connection, self.changed, self.gone, identity, timestamp)


def llm_settings(config: Config) -> LLMSettings | None:
    s = config.settings
    if not (s.llm_url and s.llm_model):
        return None
    return LLMSettings(s.llm_url, s.llm_model, s.llm_api_key, s.llm_connect_timeout,
                       s.llm_read_timeout, s.llm_deadline)


def open_run(connection: duckdb.DuckDBPyConnection, config: Config,
             notify: Callable[[str], None] = stderr_notice) -> ClassificationRun:
    """Everything classification needs for one run, reading (not yet writing) overrides."""
    rules = load_rules(config.rule_files)
    cache = Cache(connection)
    settings = llm_settings(config)
    layers = ColumnLayers(rules, cache, config.settings.embeddings,
                          LLMClassifier(settings, cache) if settings else None, notify)
    path = config.classifications_path
    parsed = overrides.read_file(path)
    # the rules are parsed only when something needs them (see `RuleSet`)
    from_file = overrides.load_file(path, parsed, known_tags(rules) if parsed.overrides
                                    else frozenset())
    stored = overrides.stored(connection)
    changed, gone = overrides.pending(from_file, stored)
    in_force = overrides.effective(from_file, stored)
    verdicts = StoredVerdicts(cache, decision_digest(config, in_force.values()))
    shown = path.relative_to(config.root) if path.is_relative_to(config.root) else path
    return ClassificationRun(Classifier(rules, layers, in_force, stored=verdicts,
                                        declared=declare(str(shown), parsed.columns, rules)),
                             connection, changed, gone)
