"""What a node is when no rule, override or lineage says more — three different situations.

- A place Lacuna cannot resolve (a path, table or URL computed at run time, a parameter path of
  a function nobody calls) holds data of **UNKNOWN** classification: it may be anything, so it
  is never mistaken for INTERNAL data that may flow anywhere INTERNAL data may.
- A resolved place that no rule matches holds **INTERNAL** data: the organisation's default
  for data at rest.
- A value no data flows into (constants and configuration written in the code, a parameter
  nothing is passed to) carries **no data**: PUBLIC, so an HTTP or mail call of ordinary
  library code is not blocked as if it sent business data.
"""

from __future__ import annotations

from dataclasses import replace

from lacuna_cli.classify.inherit import Sensitivity
from lacuna_cli.classify.layers import DEFAULT_CONFIDENCE
from lacuna_cli.models import DEFAULT_TIER, Resource, Tier

NO_DATA_REASON = ("no data flows into it (only constants or configuration written in the code, "
                  "or a parameter nothing is passed to), PUBLIC")


UNRESOLVED_REASON = ("the place is computed at run time and cannot be resolved, so its data "
                     "may be anything: UNKNOWN")


def unresolved(resource: Resource) -> Sensitivity:
    """A place computed at run time: its data may be anything (INTERNAL as far as anything is
    known, UNKNOWN as a whole)."""
    return replace(_default(DEFAULT_TIER, resource.name, UNRESOLVED_REASON), unresolved=True)


def unmatched(resource: Resource) -> Sensitivity:
    """A resolved place no rule matched."""
    return _default(DEFAULT_TIER, resource.name,
                    f"no rule matched, {DEFAULT_TIER.value} by default")


def no_data(label: str) -> Sensitivity:
    """A value nothing flows into."""
    return _default(Tier.PUBLIC, label, NO_DATA_REASON)


def _default(tier: Tier, name: str, why: str) -> Sensitivity:
    return Sensitivity(base_tier=tier, base_tags=frozenset(), origins=frozenset({name}),
                       confidence=DEFAULT_CONFIDENCE, layer="default", reasons=(f"{name}: {why}",))
