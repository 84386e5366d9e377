"""`lacuna classify override`: what it accepts (a resource Lacuna knows and tags it knows) and
the audited change it makes (`change_override`).

A typo must not become a classification nobody notices: `"data/customers.csv "` (a trailing
space) or `--tags FOO` would be stored, audited and never match anything. A resource must be
in the stored lineage or in what was learned about data at rest — unless the user says it is
not seen yet (`--not-yet-seen`), to classify data before the code that reads it exists. Tags
must be ones a rule can give or classification itself adds.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from lacuna_cli import lineage
from lacuna_cli import lineage_history as history
from lacuna_cli.errors import LacunaError
from lacuna_cli.models import Tier

if TYPE_CHECKING:
    import duckdb

    from lacuna_cli.classify.heuristics import RuleSet
    from lacuna_cli.config import Config

# Tags classification adds by itself (inherit.py): verified anonymization, aggregates.
DERIVED_TAGS = frozenset({"ANONYMIZED", *(f"DERIVED_FROM_{tier.value}" for tier in Tier)})


def known_tags(rules: RuleSet) -> frozenset[str]:
    """Every tag a rule of this project can give, and those classification adds."""
    given = {tag for matcher in (rules.columns, rules.resources) for compiled in matcher.rules
             for tag in compiled.rule.tags}
    return frozenset(given | DERIVED_TAGS)


def parse_tags(text: str, known: frozenset[str]) -> tuple[str, ...]:
    """`PII, gdpr` -> ("GDPR", "PII"); an unknown tag is one error listing the valid ones."""
    tags = sorted({tag.strip().upper() for tag in text.split(",") if tag.strip()})
    unknown = [tag for tag in tags if tag not in known]
    if unknown:
        raise LacunaError(f"--tags: unknown tag {', '.join(unknown)}; valid tags: "
                          f"{', '.join(sorted(known))}")
    return tuple(tags)


def resolve(connection: duckdb.DuckDBPyConnection, name: str, not_yet_seen: bool) -> str:
    """The resource's name as Lacuna reports it; an error naming close matches when it is not
    known (and `not_yet_seen` is not given)."""
    if not name or name != name.strip():
        raise LacunaError(f"{name!r}: a resource name neither starts nor ends with whitespace")
    from lacuna_cli.store.lineage import load_graph

    graph, _ = load_graph(connection)
    node_id = lineage.find(graph, name)
    if node_id is not None and lineage.node_of(graph, node_id).kind == "resource":
        return lineage.node_of(graph, node_id).label
    learned = history.find(history.stored(connection), name)
    if learned is not None:
        return learned.name
    if not_yet_seen:
        return name
    names = sorted({node.label for _, node in graph.nodes(data="node") if node.kind == "resource"})
    close = difflib.get_close_matches(name, names, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise LacunaError(f"{name}: not a resource in the stored lineage{hint}; run `lacuna check` "
                      "first, or pass --not-yet-seen to classify data no code reads yet")


def change_override(config: Config, resource: str, reason: str, tier: str | None, tags: str,
                    not_yet_seen: bool, remove: bool) -> tuple[dict, tuple[str, ...]]:
    """Set (or, with `remove`, withdraw) the CLI override of `resource` and append its audit
    record, in one transaction: (the audit record, the tags set)."""
    from lacuna_cli.audit import log as audit_log
    from lacuna_cli.classify import overrides
    from lacuna_cli.classify.heuristics import load_rules
    from lacuna_cli.gitinfo import identify
    from lacuna_cli.models import ASSIGNABLE_TIERS
    from lacuna_cli.store import open_store

    if remove and (tier is not None or tags or not_yet_seen):
        raise LacunaError("--remove takes only RESOURCE and --reason")
    if not remove and (tier is None or tier.upper() not in (t.value for t in ASSIGNABLE_TIERS)):
        raise LacunaError(f"--tier: {tier!r} is not one of PUBLIC, INTERNAL, PROPRIETARY")
    if not reason.strip():
        raise LacunaError("--reason: a reason is required (it is kept in the audit log)")
    identity = identify(config.root, config.settings.user)
    chosen_tags = () if remove else parse_tags(tags, known_tags(load_rules(config.rule_files)))
    with open_store(config.db_path, write=True) as connection:
        now = audit_log.utc_now()
        if remove:
            def change() -> list[dict]:
                return overrides.withdraw(connection, resource, reason.strip(), identity, now)
        else:
            chosen = overrides.Override(
                resource=resolve(connection, resource, not_yet_seen),
                tier=Tier[(tier or "").upper()], tags=chosen_tags, reason=reason.strip(),
                actor=identity.actor, source=overrides.CLI_SOURCE)

            def change() -> list[dict]:
                return overrides.record(connection, [chosen], [], identity, now)
        (record,) = audit_log.record_events(connection, change, now, config.audit_key_path)
    return record, chosen_tags
