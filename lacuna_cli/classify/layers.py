"""Column names through the three layers: rules, then embeddings, then an LLM.

Each layer is asked only about the names the layers before it are not sure of, and layers 2
and 3 see all of a run's names at once (one model batch, one pass over the endpoint). The
verdict of each name records the layer that decided, its confidence and why.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from lacuna_cli.classify import embeddings
from lacuna_cli.classify.cache import Cache
from lacuna_cli.classify.heuristics import CompiledRule, RuleSet
from lacuna_cli.classify.inherit import ColumnSensitivity
from lacuna_cli.classify.llm import LLMClassifier, LLMVerdict
from lacuna_cli.models import DEFAULT_TIER

# A verdict at least this confident settles a name; below it the next layer is asked.
CONFIDENT = 0.6
DEFAULT_CONFIDENCE = 0.3


def stderr_notice(message: str) -> None:
    sys.stderr.write(f"lacuna: {message}\n")


@dataclass
class ColumnLayers:
    """Decides column names for one run; verdicts are memoised by name."""

    rules: RuleSet
    cache: Cache = field(default_factory=lambda: Cache(None))
    use_embeddings: bool = True
    llm: LLMClassifier | None = None
    notify: Callable[[str], None] = stderr_notice
    _decided: dict[str, ColumnSensitivity] = field(default_factory=dict)
    _noticed: set[str] = field(default_factory=set)

    @property
    def degraded(self) -> bool:
        """Whether a layer could not answer this run (layer 2's extra missing, an LLM that gave
        no verdict): its verdicts are then not those of a run with every layer."""
        return bool(self._noticed)

    def verdict(self, name: str) -> ColumnSensitivity:
        if name not in self._decided:
            self.decide([name])
        return self._decided[name]

    def decide(self, names: Iterable[str]) -> None:
        """Settle every new name: layer 1 for all, then the uncertain ones in batches."""
        new = [n for n in dict.fromkeys(names) if n not in self._decided]
        for name in new:
            self._decided[name] = rule_verdict(name, self.rules)
        unsure = [n for n in new if self._decided[n].confidence < CONFIDENT]
        if unsure and self.use_embeddings:
            unsure = self._embed(unsure)
        if unsure and self.llm is not None:
            self._ask_llm(unsure)

    def _embed(self, names: list[str]) -> list[str]:
        texts = {name: embeddings.describe(name) for name in names}
        found = embeddings.Embedder(self.cache).classify(sorted(set(texts.values())))
        if found is None:
            self._notice(embeddings.MISSING_EXTRA)
            return names
        for name, text in texts.items():
            verdict, lower = found[text], self._decided[name]
            if verdict.confidence > lower.confidence or verdict.tags:
                self._decided[name] = ColumnSensitivity(
                    verdict.tier, verdict.tags, verdict.identifier, verdict.explain(),
                    layer="embedding", confidence=verdict.confidence,
                    data_type=verdict.data_type, fideslang=verdict.fideslang,
                    about_record=verdict.about_record)
            else:
                self._decided[name] = replace(lower, why=f"{lower.why}; no labeled example "
                                                         f"near enough ({verdict.explain()})")
        return [n for n in names if self._decided[n].confidence < CONFIDENT]

    def _ask_llm(self, names: list[str]) -> None:
        assert self.llm is not None
        answers = self.llm.classify(names)
        for name in names:
            answer = answers[name]
            if isinstance(answer, LLMVerdict):
                self._decided[name] = ColumnSensitivity(
                    answer.tier, frozenset(answer.tags), answer.identifier,
                    f"LLM {self.llm.settings.model}: {answer.reasoning}", layer="llm",
                    confidence=answer.confidence)
            else:
                lower = self._decided[name]
                self._decided[name] = replace(lower, why=f"{lower.why} (uncertain: LLM gave no "
                                                         f"verdict: {answer})")
                self._notice(f"layer 3 (LLM at {self.llm.settings.shown_as}) gave no verdict: "
                             f"{answer}; the lower layers' verdicts stand, flagged uncertain")

    def _notice(self, message: str) -> None:
        if message not in self._noticed:
            self._noticed.add(message)
            self.notify(message)


def rule_verdict(name: str, rules: RuleSet) -> ColumnSensitivity:
    """Layer 1 for one column name: the strictest matching rule, every matching rule's tags."""
    matches, read_as = rules.read_column(name)
    combination = tuple([m.order for m in matches])
    verdict = rules.verdicts.get(combination)
    if verdict is None:
        verdict = rules.verdicts[combination] = _combined(matches)
    if read_as is not None:  # `MBRNAME`: say which words the rules matched
        verdict = replace(verdict, why=f"{verdict.why} (read as {read_as})")
    return verdict


def _combined(matches: list[CompiledRule]) -> ColumnSensitivity:
    best = strictest(matches)
    if best is None:
        return ColumnSensitivity(DEFAULT_TIER, frozenset(), False, "no rule matched",
                                 layer="default", confidence=DEFAULT_CONFIDENCE)
    tags = frozenset(tag for m in matches for tag in m.rule.tags)
    # A project's rule raises a shipped verdict, never makes it less sure (an unsure verdict
    # is handed to layer 2, which could then drop the shipped rule's tags).
    shipped = strictest([m for m in matches if m.shipped])
    confidence = max(best.rule.confidence, shipped.rule.confidence if shipped else 0.0)
    return ColumnSensitivity(
        tier=best.rule.tier,
        tags=tags,
        identifier=any(m.rule.identifier for m in matches),
        why=f"rule {rule_ids(matches)}: {best.rule.reasoning}",
        confidence=confidence,
        data_type=best.rule.data_type,
        fideslang=best.rule.fideslang,
        # Contact data of the record only when every rule that made it sensitive says so.
        about_record=all(m.rule.describes == "record" for m in matches if m.rule.tags),
        free_text=any(m.rule.free_text for m in matches),
    )


def strictest(matches: list[CompiledRule]) -> CompiledRule | None:
    return max(matches, key=lambda m: (m.rule.tier, m.rule.confidence), default=None)


def rule_ids(matches: Iterable[CompiledRule]) -> str:
    return "/".join(dict.fromkeys(m.rule.id for m in matches))
