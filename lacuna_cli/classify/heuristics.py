"""Layer 1: YAML rules on column names and on file paths / table names.

Rules are validated when loaded (a bad file is one clear error naming the file and the key)
and compiled once: `words` go into one phrase table looked up by the token n-grams of a
normalised name, `regex` rules are searched one by one. Classifying a column is a dictionary
probe per n-gram plus a few regex searches — a few microseconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lacuna_cli.classify.compounds import COMPOUNDS_FILE, Splitter, load_splitter
from lacuna_cli.errors import ConfigError, warn
from lacuna_cli.extract.stamps import cached_by_edits
from lacuna_cli.models import AssignedTier
from lacuna_cli.shipped import shipped_dir
from lacuna_cli.yamlfile import read_yaml

# `IPv4`/`IPv6` are one token, not `I`+`Pv4` as the camelCase split would make them.
_IP_VERSION = re.compile(r"IPv([46])")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_NORMAL = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*\Z")


class Rule(BaseModel):
    """One heuristic: names it matches, and the tier/tags it implies.

    `unless` is a regex over the normalised name that cancels this rule (`src_addr` is not a
    postal address); `veto` marks a rule whose match cancels every other rule, for names that
    describe a value rather than hold it (`flag_phone`, `num_credit_cards`, `card_type`).
    A rule naming a `data_type` is an entry of the data-type catalog: reports name that type
    and its fideslang data category. `describes: record` marks the contact data of whatever the
    record describes (its name, address, phone): personal only when that is a person (see
    `entity.py`); `describes: person` data is about a person wherever it appears.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    words: list[str] = Field(default_factory=list)
    # Whole names (`pin`, `id`): one dictionary probe, where a `^(?:...)$` regex of them
    # would be tried branch by branch.
    names: list[str] = Field(default_factory=list)
    # Words that begin or end a longer name (`is_`, `num_`; `_flag`, `_sk`): a dictionary
    # probe each, where the same regex would be searched at every position of every name.
    first_words: list[str] = Field(default_factory=list)
    last_words: list[str] = Field(default_factory=list)
    regex: str | None = None
    unless: str | None = None
    tier: AssignedTier
    tags: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    reasoning: str
    identifier: bool = False
    veto: bool = False
    data_type: str | None = None
    fideslang: str | None = Field(default=None, pattern=r"^(?:user|system)(?:\.[a-z_]+)*$")
    describes: Literal["person", "record"] = "person"
    # The column holds whatever is written in it (`description`, `notes`): the table's name
    # still speaks for it, as for a column no rule knows (`pipeline._name_rules_for`).
    free_text: bool = False

    @model_validator(mode="after")
    def _has_pattern(self) -> Rule:
        if not (self.words or self.names or self.first_words or self.last_words or self.regex):
            raise ValueError("a rule needs `words`, `names`, `first_words`, `last_words` or "
                             "`regex`")
        for pattern in (self.regex, self.unless):
            if pattern:
                valid_regex(pattern)
        return self


def valid_regex(pattern: str) -> str:
    """`pattern`, or the ValueError pydantic reports at the rule file's key when it does not
    compile (a rule file, or `rules/entities.yaml`)."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from exc
    return pattern


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    kind: Literal["columns", "resources"]
    rules: list[Rule]


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    pattern: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    source: str
    order: int
    # A shipped rule; a project's own rule (`rules` in the config) may add to it, never lower it.
    shipped: bool = True


@dataclass(frozen=True)
class Matcher:
    """The rules of one kind: a phrase table for `words`, regexes for the rest.

    Speed matters (every column name of a run comes through here, p50 target a few us): the
    phrases are dictionary probes on the name's tokens, and the regexes are first tried joined
    (`_regex_probes`), so the common name no regex matches costs two regex calls, not one per
    rule."""

    rules: tuple[CompiledRule, ...]
    # Whole names -> rules.
    exact: dict[str, tuple[int, ...]]
    phrases: dict[str, tuple[int, ...]]
    # First token of a phrase -> the lengths of the phrases starting with it.
    starts: dict[str, tuple[int, ...]]
    # (order, regex) of the rules with a `regex`, searched one by one once `any_regex` matched.
    searched: tuple[tuple[int, re.Pattern[str]], ...]
    # Those regexes joined into one or two alternations (`_regex_probes`): a name none of them
    # matches needs no rule's regex searched.
    regex_probes: tuple[Callable[[str], object], ...]
    # `first_words` / `last_words` phrases -> rules, and the phrase lengths there are.
    firsts: dict[str, tuple[int, ...]]
    lasts: dict[str, tuple[int, ...]]
    edge_lengths: tuple[int, ...]

    def match(self, normal: str) -> list[CompiledRule]:
        hits = list(self.exact.get(normal, ()))
        tokens = normal.split("_")
        count = len(tokens)
        phrases, starts = self.phrases, self.starts
        for start, token in enumerate(tokens):
            lengths = starts.get(token)
            if lengths is not None:
                for length in lengths:
                    found = phrases.get(token if length == 1 else
                                        "_".join(tokens[start:start + length]))
                    if found:
                        hits.extend(found)
        if count > 1:
            firsts, lasts = self.firsts, self.lasts
            for length in self.edge_lengths:
                if length >= count:
                    break
                hits.extend(firsts.get(tokens[0] if length == 1 else
                                       "_".join(tokens[:length]), ()))
                hits.extend(lasts.get(tokens[-1] if length == 1 else
                                      "_".join(tokens[-length:]), ()))
        if any(probe(normal) for probe in self.regex_probes):
            hits.extend(order for order, pattern in self.searched if pattern.search(normal))
        if not hits:
            return []
        rules = self.rules
        matched = [rule for rule in (rules[i] for i in sorted(set(hits)))
                   if rule.unless is None or not rule.unless.search(normal)]
        vetoes = [m for m in matched if m.rule.veto]
        return vetoes or matched


@dataclass(frozen=True)
class _Matchers:
    """What a rule set matches names with, built from its files."""

    columns: Matcher
    resources: Matcher
    project_columns: Matcher | None
    project_resources: Matcher | None
    splitter: Splitter | None


class RuleSet:
    """All rules of a run, split by what they look at, shipped apart from the project's own.

    The project's rules travel with the code under review, so they may add and strengthen but
    never take away (README, *Trust model*): they are matched on their own, so a project `veto`
    silences only project rules, and their matches join the shipped ones, whose tier, tags and
    confidence they can only raise (`layers.rule_verdict`). Lowering is an override's job.

    The matchers are built the first time a name is matched: a check whose every name has a
    verdict stored already (a commit's one-file check) never parses and compiles the shipped
    rules, a sixth of its time. A project's own files are read at once (`load_rules`): a bad
    one is an error before anything is decided."""

    def __init__(self, extra_files: tuple[Path, ...] = ()) -> None:
        self.extra_files = extra_files
        # The verdict a combination of matched column rules makes (keyed by their order),
        # built once: there are far fewer combinations than names (`layers.rule_verdict`).
        self.verdicts: dict[tuple[int, ...], Any] = {}

    @cached_property
    def _matchers(self) -> _Matchers:
        return _build(self.extra_files)

    @property
    def columns(self) -> Matcher:
        return self._matchers.columns

    @property
    def resources(self) -> Matcher:
        return self._matchers.resources

    @property
    def project_columns(self) -> Matcher | None:
        return self._matchers.project_columns

    @property
    def project_resources(self) -> Matcher | None:
        return self._matchers.project_resources

    @property
    def splitter(self) -> Splitter | None:
        """Reads run-together column names as their words (`MBRNAME` -> `mbr_name`)."""
        return self._matchers.splitter

    def match_column(self, name: str) -> list[CompiledRule]:
        return self.read_column(name)[0]

    def read_column(self, name: str) -> tuple[list[CompiledRule], str | None]:
        """The rules a column name matches; a name that matches none is read again with its
        run-together words apart (`MBRNAME` as `mbr_name`, returned second when it matched),
        which can only fill that gap."""
        normal = normalise_name(name)
        found = _both(self.columns, self.project_columns, normal)
        if found or self.splitter is None:
            return found, None
        split = self.splitter.split(normal)
        if split == normal:
            return found, None
        found = _both(self.columns, self.project_columns, split)
        return found, split if found else None

    def match_resource(self, name: str) -> list[CompiledRule]:
        return _both(self.resources, self.project_resources, normalise_name(name))


def _both(shipped: Matcher, project: Matcher | None, normal: str) -> list[CompiledRule]:
    found = shipped.match(normal)
    return found if project is None else [*found, *project.match(normal)]


@cache
def normalise_name(name: str) -> str:
    """`CustEmail`, `cust-email`, `Cust Email` -> `cust_email` (tokens joined by `_`)."""
    if _NORMAL.match(name):  # already snake_case, as most column names are
        return name
    if name.isupper():  # SHOUTING_CASE: no word boundary hides in the case
        name = name.lower()
    elif not name.islower():  # a camelCase or capitalised name: split its words first
        name = _CAMEL.sub("_", _IP_VERSION.sub(r"ipv\1", name) if "IPv" in name else name
                          ).lower()
    return _SEPARATORS.sub("_", name).strip("_")


@cache
def column_words(name: str) -> str:
    """A column or record name's words: `normalise_name`, run-together words read apart by the
    shipped rules' splitter (`MBRNAME` -> `mbr_name`, see `compounds.py`); cached like
    `normalise_name`, as the entity decision asks for the same names table after table."""
    normal = normalise_name(name)
    splitter = load_rules().splitter
    return normal if splitter is None else splitter.split(normal)


def _compiled(rules: list[tuple[Rule, str, bool]]) -> tuple[CompiledRule, ...]:
    """Every rule of one kind, numbered: the number is its `order` in verdict keys."""
    return tuple(CompiledRule(rule, re.compile(rule.regex) if rule.regex else None,
                              re.compile(rule.unless) if rule.unless else None, source, order,
                              shipped)
                 for order, (rule, source, shipped) in enumerate(rules))


def _matcher(every: tuple[CompiledRule, ...], shipped: bool) -> Matcher:
    """The phrase tables of the shipped rules, or of the project's, over all rules of a kind
    (so a rule's `order` indexes `Matcher.rules` in both)."""
    compiled = [r for r in every if r.shipped == shipped]
    exact: dict[str, list[int]] = {}
    phrases: dict[str, list[int]] = {}
    firsts: dict[str, list[int]] = {}
    lasts: dict[str, list[int]] = {}
    for compiled_rule in compiled:
        rule, order = compiled_rule.rule, compiled_rule.order
        for word in rule.names:
            exact.setdefault(normalise_name(word), []).append(order)
        for word in rule.words:
            phrases.setdefault(normalise_name(word), []).append(order)
        for word in rule.first_words:
            firsts.setdefault(normalise_name(word), []).append(order)
        for word in rule.last_words:
            lasts.setdefault(normalise_name(word), []).append(order)
    starts: dict[str, set[int]] = {}
    for phrase in phrases:
        starts.setdefault(phrase.split("_")[0], set()).add(phrase.count("_") + 1)
    edges = {phrase.count("_") + 1 for phrase in (*firsts, *lasts)}
    return Matcher(every, {k: tuple(v) for k, v in exact.items()},
                   {k: tuple(v) for k, v in phrases.items()},
                   {k: tuple(sorted(v)) for k, v in starts.items()},
                   tuple((r.order, r.pattern) for r in compiled if r.pattern is not None),
                   _regex_probes([r.pattern.pattern for r in compiled
                                  if r.pattern is not None]),
                   {k: tuple(v) for k, v in firsts.items()},
                   {k: tuple(v) for k, v in lasts.items()}, tuple(sorted(edges)))


def _regex_probes(patterns: list[str]) -> tuple[Callable[[str], object], ...]:
    """Every rule's regex as two alternations, which together match a name exactly when some
    rule's regex does: the patterns anchored at the start of the name (a `match`, tried at
    position 0 only) and the others (a `search`). Patterns that cannot be joined (a project's
    pattern with global inline flags) give a probe that always passes, so each is searched."""
    anchored = [p for p in patterns if _starts_anchored(p)]
    others = [p for p in patterns if not _starts_anchored(p)]
    probes: list[Callable[[str], object]] = []
    for group, at_start in ((anchored, True), (others, False)):
        if not group:
            continue
        try:
            joined = re.compile("|".join(f"(?:{p})" for p in group))
        except re.error:
            return (bool,)
        probes.append(joined.match if at_start else joined.search)
    return tuple(probes)


def _starts_anchored(pattern: str) -> bool:
    """`^(...)$`-shaped: anchored at the start and with no top-level alternative (`^a|b`)."""
    if not pattern.startswith("^"):
        return False
    depth = 0
    escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
    return True


def load_rule_file(path: Path) -> RuleFile:
    """Parse and validate one rules file; any problem is a ConfigError naming file and key."""
    raw = read_yaml(path)
    try:
        return RuleFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise ConfigError(f"{path}: {key}: {first['msg']}") from exc


@cached_by_edits
def load_rules(extra_files: tuple[Path, ...]) -> RuleSet:
    """The shipped rules plus a project's own files (which come first, so they win ties),
    once per process and version of the project's files; a project's files are read and
    checked now (see `RuleSet`)."""
    rules = RuleSet(tuple(extra_files))
    if extra_files:
        from lacuna_cli.classify.rule_trust import weakening_attempts  # it reads RuleSets

        for problem in weakening_attempts(rules):
            warn(problem)
    return rules


def _build(extra_files: tuple[Path, ...]) -> _Matchers:
    shipped = sorted(p for p in shipped_dir("rules").glob("*.yaml")
                     if p.name not in (EXAMPLES_FILE, ENTITIES_FILE, COMPOUNDS_FILE))
    columns: list[tuple[Rule, str, bool]] = []
    resources: list[tuple[Rule, str, bool]] = []
    for path in (*extra_files, *shipped):
        parsed = load_rule_file(path)
        target = columns if parsed.kind == "columns" else resources
        target.extend((rule, str(path), path not in extra_files) for rule in parsed.rules)
    every_column, every_resource = _compiled(columns), _compiled(resources)
    shipped_columns = _matcher(every_column, shipped=True)
    project_columns = _matcher(every_column, shipped=False) if extra_files else None
    return _Matchers(shipped_columns, _matcher(every_resource, shipped=True), project_columns,
                     _matcher(every_resource, shipped=False) if extra_files else None,
                     splitter=_splitter([shipped_columns, *filter(None, [project_columns])]))


def _splitter(matchers: list[Matcher]) -> Splitter:
    """Pieces: every word of the column rules' phrases and the entity vocabulary's words and
    record words (`VENMST` is a vendor master file); entity words of either kind are never cut
    (`hotel`, `customer`)."""
    from lacuna_cli.classify.entity import load_vocabulary  # it reads rule names

    vocabulary = load_vocabulary()
    nouns = vocabulary.nouns
    known = [phrase for m in matchers for table in (m.exact, m.phrases, m.firsts, m.lasts)
             for phrase in table]
    known.extend(nouns)
    known.extend(vocabulary.suffixes)
    return load_splitter(shipped_dir("rules") / COMPOUNDS_FILE, known, nouns)


def catalog() -> dict[str, Rule]:
    """The shipped data-type catalog: each data type's name -> the rule that defines it."""
    return {r.rule.data_type: r.rule for r in load_rules().columns.rules if r.rule.data_type}


# The labeled descriptions layer 2 compares against, and the entity vocabulary (`entity.py`),
# live beside the rules, each in its own format.
EXAMPLES_FILE = "examples.yaml"
ENTITIES_FILE = "entities.yaml"
