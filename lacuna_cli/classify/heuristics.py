"""Layer 1: YAML rules on column names and on file paths / table names.

Rules are validated when loaded (a bad file is one clear error naming the file and the key)
and compiled once into regular expressions over normalised names, so classifying a column is
a handful of regex searches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lacuna_cli.errors import ConfigError
from lacuna_cli.models import Tier
from lacuna_cli.resources import shipped_dir

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


class Rule(BaseModel):
    """One heuristic: names it matches, and the tier/tags it implies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    words: list[str] = Field(default_factory=list)
    regex: str | None = None
    tier: Tier
    tags: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    reasoning: str
    identifier: bool = False

    @model_validator(mode="after")
    def _has_pattern(self) -> Rule:
        if not self.words and not self.regex:
            raise ValueError("a rule needs `words` or `regex`")
        if self.regex:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"invalid regex: {exc}") from exc
        return self


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    kind: Literal["columns", "resources"]
    rules: list[Rule]


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    pattern: re.Pattern[str]
    source: str


@dataclass(frozen=True)
class RuleSet:
    """All rules of a run, split by what they look at."""

    columns: tuple[CompiledRule, ...]
    resources: tuple[CompiledRule, ...]

    def match_column(self, name: str) -> list[CompiledRule]:
        return _matches(self.columns, normalise_name(name))

    def match_resource(self, name: str) -> list[CompiledRule]:
        return _matches(self.resources, normalise_name(name))


def _matches(rules: tuple[CompiledRule, ...], normal: str) -> list[CompiledRule]:
    return [rule for rule in rules if rule.pattern.search(normal)]


@cache
def normalise_name(name: str) -> str:
    """`CustEmail`, `cust-email`, `Cust Email` -> `cust_email` (tokens joined by `_`)."""
    return _SEPARATORS.sub("_", _CAMEL.sub("_", name).lower()).strip("_")


def _compile(rule: Rule, source: str) -> CompiledRule:
    alternatives = [re.escape(normalise_name(word)) for word in rule.words]
    parts = []
    if alternatives:
        parts.append(r"(?:^|_)(?:" + "|".join(sorted(alternatives, key=len, reverse=True))
                     + r")(?:_|$)")
    if rule.regex:
        parts.append(rule.regex)
    return CompiledRule(rule, re.compile("|".join(parts)), source)


def load_rule_file(path: Path) -> RuleFile:
    """Parse and validate one rules file; any problem is a ConfigError naming file and key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read rules file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    try:
        return RuleFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise ConfigError(f"{path}: {key}: {first['msg']}") from exc


def load_rules(extra_files: list[Path] | tuple[Path, ...] = ()) -> RuleSet:
    """The shipped rules plus a project's own files (which come first, so they win ties)."""
    return _load_rules(tuple(extra_files))


@cache
def _load_rules(extra_files: tuple[Path, ...]) -> RuleSet:
    shipped = sorted(shipped_dir("rules").glob("*.yaml"))
    columns: list[CompiledRule] = []
    resources: list[CompiledRule] = []
    for path in (*extra_files, *shipped):
        parsed = load_rule_file(path)
        target = columns if parsed.kind == "columns" else resources
        target.extend(_compile(rule, str(path)) for rule in parsed.rules)
    return RuleSet(tuple(columns), tuple(resources))
