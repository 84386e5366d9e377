"""A project's own rule files may add and strengthen, never weaken the shipped rules.

The files listed under `rules` in the project's config travel with the pull request under
review (README, *Trust model*). Their rules are matched apart from the shipped ones and can
only raise a verdict (`heuristics.RuleSet`), so an attempt to lower one — a `veto` over a
shipped sensitive name, or `email` declared PUBLIC — has no effect. It is still reported, one
warning line naming the file and key, so nobody believes it worked: lowering a classification
is what an audited override is for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lacuna_cli.classify.heuristics import normalise_name

if TYPE_CHECKING:
    from lacuna_cli.classify.heuristics import CompiledRule, Matcher, RuleSet

HOW_TO_LOWER = ("lower a classification with an override (`lacuna classify override` or "
                "lacuna-classifications.yaml)")


def weakening_attempts(rules: RuleSet) -> list[str]:
    """One line per project rule that would lower a shipped rule's verdict if it could."""
    problems = []
    for shipped, project in ((rules.columns, rules.project_columns),
                             (rules.resources, rules.project_resources)):
        if project is None:
            continue
        shipped_phrases = sorted({p for r in shipped.rules if r.shipped and r.rule.tags
                                  for p in _phrases(r)})
        for rule, key in _project_rules(project):
            problem = _attempt(rule, shipped, shipped_phrases)
            if problem is not None:
                problems.append(f"{rule.source}: {key}.{problem}")
    return problems


def _project_rules(project: Matcher) -> Iterator[tuple[CompiledRule, str]]:
    """Each project rule with its key in its file (`rules.3`)."""
    seen: Counter[str] = Counter()
    for rule in project.rules:
        if not rule.shipped:
            yield rule, f"rules.{seen[rule.source]}"
            seen[rule.source] += 1


def _phrases(rule: CompiledRule) -> set[str]:
    words = (*rule.rule.words, *rule.rule.names, *rule.rule.first_words,
             *rule.rule.last_words)
    return {normalise_name(word) for word in words}


def _attempt(rule: CompiledRule, shipped: Matcher, shipped_phrases: list[str]) -> str | None:
    """`veto: ...` or `tier: ...` when the rule would silence or lower a shipped sensitive
    rule on one of the names it matches, else None."""
    names = _phrases(rule)
    if rule.rule.veto and rule.pattern is not None:
        names |= {p for p in shipped_phrases if rule.pattern.search(p)}
    for name in sorted(names):
        for match in shipped.match(name):
            if not match.rule.tags:
                continue
            what = (f"the shipped rule {match.rule.id!r} ({match.rule.tier.value}, "
                    f"{', '.join(match.rule.tags)}) for {name!r}")
            if rule.rule.veto:
                return (f"veto: ignored: a project's rules may add or strengthen, not silence "
                        f"{what}; {HOW_TO_LOWER}")
            if rule.rule.tier < match.rule.tier or not set(match.rule.tags) <= set(
                    rule.rule.tags):
                lower = f"{rule.rule.tier.value}, {', '.join(rule.rule.tags) or 'no tags'}"
                return (f"tier: ignored: a project's rules may add or strengthen, not lower "
                        f"{what} to {lower}; {HOW_TO_LOWER}")
    return None
