"""Whose data a table, file or record type holds: a person's, a thing's, a message's parties',
or unknown.

Column names alone do not say whether an address is personal; the record does. A customer's
street and zip locate a person, a warehouse's do not, and a customer's account balance
identifies no one yet is still about a person. The entity is decided from the record's name
(a person word anywhere in it, a thing word only as its head, singular or plural, whatever
prefixes or schema surround it), from columns only a person has (first name + date of birth),
and from its first key column (`customer_id` before any other key in `t_0042`). The vocabulary is
`rules/entities.yaml`. Unknown keeps the
column rules' conservative verdicts: nothing is ever downgraded for want of an entity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lacuna_cli.classify.heuristics import (ENTITIES_FILE, column_words, normalise_name,
                                            valid_regex)
from lacuna_cli.classify.inherit import ColumnSensitivity
from lacuna_cli.errors import ConfigError
from lacuna_cli.models import AssignedTier, Tier
from lacuna_cli.shipped import shipped_dir
from lacuna_cli.yamlfile import read_yaml

Kind = Literal["person", "thing", "message", "unknown"]

# A key column: the part before it names what it points at (`customer_sk`, `c_customer_id`).
_KEY = re.compile(r"^(?:[a-z]{1,3}_)?(?P<noun>[a-z_]+?)_?(?:id|sk|key|pk|uuid|guid)$")
# `id`, or `c_id` with a table's one- or two-letter column prefix (not `app_id`).
_BARE_KEY = re.compile(r"^(?:[a-z]{1,2}_)?(?:id|sk|pk|key|uuid|guid)$")
# A number or a version after the record's own name (`stores_2024`, `users_v2`).
_NUMBERED = re.compile(r"v?\d+")
# File extensions after the record's own name (`stores.csv.gz`).
_EXTENSION = re.compile(r"\.(?:csv|tsv|json|jsonl|ndjson|parquet|pq|avro|orc|xlsx?|xml|txt|"
                        r"feather|arrow|pkl|pickle|h5|hdf5|db|sqlite|yaml|yml|gz|bz2|zip|zst)$")


class Linked(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tier: AssignedTier
    tags: list[str]


class PersonGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    words: list[str] = Field(min_length=1)
    linked: Linked


class ThingGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    words: list[str] = Field(min_length=1)


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at_least: int = Field(ge=1)
    fideslang: list[str] = Field(min_length=1)


class OwnKey(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    data_type: str
    fideslang: str


class MessageContent(BaseModel):
    """The columns of a message that hold what its parties wrote (`body`, `RawText`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: list[str] = Field(min_length=1)
    data_type: str
    fideslang: str = Field(pattern=r"^user(?:\.[a-z_]+)*$")


class Messages(BaseModel):
    """Records that are messages, the columns naming their parties (`from`, `cc`) and those
    holding what the parties wrote (`body`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: list[str] = Field(min_length=1)
    parties: list[str] = Field(min_length=1)
    tier: AssignedTier
    tags: list[str] = Field(min_length=1)
    data_type: str
    fideslang: str = Field(pattern=r"^user(?:\.[a-z_]+)*$")
    # Names ending in a party word that are not one (`date_to`, `valid_from`).
    unless: str
    content: MessageContent

    @field_validator("unless")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        return valid_regex(pattern)


class PersonNames(BaseModel):
    """Columns no rule knows that name a person by the word just before their name word
    (`defendant_name`, `contractor_name`, `cardholder_first`): that person's name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: list[str] = Field(min_length=1)
    tier: AssignedTier
    tags: list[str] = Field(min_length=1)
    data_type: str
    fideslang: str = Field(pattern=r"^user(?:\.[a-z_]+)*$")


class EntityFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    kind: Literal["entities"]
    persons: list[PersonGroup]
    things: list[ThingGroup]
    record_words: list[str]
    evidence: Evidence
    own_key: OwnKey
    workplace: list[str]
    not_entities: list[str]
    head_only: list[str] = Field(default_factory=list)
    messages: Messages
    person_names: PersonNames
    person_only: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Entity:
    """The decision for one record type, with the reason `classify explain` shows."""

    kind: Kind
    noun: str | None
    why: str
    linked_tier: Tier = Tier.INTERNAL
    linked_tags: frozenset[str] = frozenset()

    def describe(self) -> str:
        noun = f" ({self.noun})" if self.noun else ""
        return f"{self.kind}{noun}: {self.why}"


UNKNOWN = Entity("unknown", None, "its name, columns and keys name no known entity, so the "
                                  "column rules decide alone")


@dataclass(frozen=True)
class Vocabulary:
    """Entity words (normalised, singular) -> the entity they name, plus the evidence rule."""

    nouns: Mapping[str, Entity]
    longest: int
    # What a record is when its columns show a person: the first person group's linked level.
    person: Entity
    # Words that say what kind of record a name is, not what it describes (`model`, `dim`).
    suffixes: frozenset[str]
    evidence: frozenset[str]
    at_least: int
    # What the own key of a person record is (`id` of customers): a person key.
    own_key: OwnKey
    # Thing words that, qualifying contact data in a person record, name the person's own
    # workplace (`business_phone` of a contact is that person's work phone).
    workplace: frozenset[str]
    # Compounds holding an entity word that name no entity (`post_office` in
    # `home_address_post_office_box`), as regexes cut out of a name before it is read.
    not_entities: re.Pattern[str] | None
    messages: Messages
    message_words: frozenset[str]
    # Thing words that make a record a thing only as its head (`hotel_properties`, `dim_geo`),
    # never a column's owner (`properties.email` is a bag of the record's own fields).
    head_only: frozenset[str] = frozenset()
    person_names: PersonNames | None = None
    # Data types that are personal only of a person (`weight_kg` of a patient, not of a parcel):
    # in a thing's or an unknown record they describe that record.
    person_only: frozenset[str] = frozenset()

    def tokens_of(self, name: str) -> list[str]:
        """The name's words (run-together ones read apart), compounds that name no entity cut
        out."""
        normal = column_words(name)
        if self.not_entities is not None:
            normal = self.not_entities.sub("_", normal).strip("_")
        return normal.split("_") if normal else []

    def noun_in(self, name: str, kind: Kind | None = None) -> Entity | None:
        """The rightmost entity word of a name (the longest phrase ending there: `web_site`,
        not `site`), singular or plural; of one kind only when `kind` is given."""
        tokens = self.tokens_of(name)
        for end in range(len(tokens), 0, -1):
            found = self._ending_at(tokens, end)
            if found is not None and kind in (None, found.kind):
                return found
        return None

    def head_of(self, name: str) -> Entity | None:
        """The entity the head of a name is — its last word once record-type words,
        numbers and versions are dropped (`ProductDetailsModel` -> product, `stores_2024` ->
        store, `tickets_v2` -> ticket)."""
        tokens = self._head_tokens(name)
        return self._ending_at(tokens, len(tokens)) if tokens else None

    def message_in(self, name: str) -> Entity | None:
        """A message record: its head is a message word (`emails`, `sms_messages`), also one
        that run-together splitting cut in two (`mail_outbox` reads as mail, out, box)."""
        tokens = self._head_tokens(name)
        heads = (tokens[-1], "".join(tokens[-2:])) if tokens else ()
        word = next((w for head in heads for w in _singulars(head) if w in self.message_words),
                    None)
        return Entity("message", word, "") if word else None

    def _head_tokens(self, name: str) -> list[str]:
        tokens = self.tokens_of(name)
        while tokens and (tokens[-1] in self.suffixes or _NUMBERED.fullmatch(tokens[-1])):
            tokens.pop()
        return tokens

    def _ending_at(self, tokens: list[str], end: int) -> Entity | None:
        for length in range(min(self.longest, end), 0, -1):
            found = self._lookup("_".join(tokens[end - length:end]))
            if found is not None:
                return found
        return None

    def qualifier_in(self, column: str) -> Entity | None:
        """The entity a column name itself names before its last word (`store_phone`,
        `customer_email`); a column that is only the word (`city`) names none, nor does a
        word that names a thing only as a record's head (`properties.email`)."""
        head, _, _ = column_words(column).rpartition("_")
        found = self.noun_in(head) if head else None
        return None if found is not None and found.noun in self.head_only else found

    def person_named(self, column: str) -> Entity | None:
        """The person a column names by the words just before its last word, when that is a
        name word (`contractor_name`, `cardholder_first`; not `customer_segment_name`)."""
        if self.person_names is None:
            return None
        tokens = self.tokens_of(column)
        if len(tokens) < 2 or tokens[-1] not in self.person_names.words:
            return None
        found = self._ending_at(tokens, len(tokens) - 1)
        return found if found is not None and found.kind == "person" else None

    def _lookup(self, phrase: str) -> Entity | None:
        for candidate in _singulars(phrase):
            found = self.nouns.get(candidate)
            if found is not None:
                return found
        return None

    def decide(self, resource_name: str, verdicts: Mapping[str, ColumnSensitivity]) -> Entity:
        """The entity a record describes, from its name, its columns and its key. A person word
        anywhere in the name makes a person (`customer_address`,
        `store_manager`); a thing needs to be the head of the name (`store`, `dim_warehouse`,
        not `job_applications`): taking people for things is the costly mistake."""
        own = record_name(resource_name)
        person = self.noun_in(own, "person") if own else None
        head = self.head_of(own) if own else None
        # `first_name` shows a person; `contact_first_name` shows a record that has one.
        person_columns = sorted({c for c, v in verdicts.items()
                                 if v.fideslang in self.evidence and not v.about_record
                                 and self.qualifier_in(c) is None},
                                key=list(verdicts).index)
        kinds = {verdicts[c].fideslang for c in person_columns}
        if person is None and len(kinds) >= self.at_least:
            contrary = f" (its name says {head.noun})" if head else ""
            return replace(self.person, why=f"columns {' + '.join(person_columns)} are "
                                            f"what only a person has{contrary}")
        named = person or head or (self.message_in(own) if own else None)
        if named is not None:
            return replace(named, why=f"its name {own!r} names a {named.noun}")
        # The first key, not the first column: a table's columns merge what every file reading
        # it lists, in path order, and a `SELECT` may list other columns before the key. A bare
        # key anywhere (`id`) is the record's own: then a `user_id` is whom it refers to.
        keys = [c for c, v in verdicts.items() if v.tags == {"IDENTIFIER"}]
        own_key = any(_BARE_KEY.match(normalise_name(c)) for c in keys)
        first = keys[0] if keys else None
        key = _KEY.match(normalise_name(first)) if first and not own_key else None
        # A leading key only ever makes a person: the columns known of a table grow as files are
        # added, and a thing decided by them could lower what another file already showed.
        keyed = self.noun_in(key["noun"], "person") if key else None
        if keyed is not None:
            return replace(keyed, why=f"its first key {first!r} points at a {keyed.noun}")
        return UNKNOWN


def record_name(resource_name: str) -> str:
    """The record's own name: the last part of a dotted table or a path, extension dropped
    (a purely numeric file name falls back to its folder: `stores/2024.parquet` -> stores)."""
    parts = [p for p in re.split(r"[/\\]", resource_name.split("://", 1)[-1]) if p]
    if not parts:
        return ""
    last = _EXTENSION.sub("", _EXTENSION.sub("", parts[-1]))
    if "." in last and len(parts) == 1:  # a schema-qualified table
        last = last.rsplit(".", 1)[-1]
    if not re.search(r"[A-Za-z]{2}", last) and len(parts) > 1:
        return parts[-2]
    return last


def _singulars(word: str) -> tuple[str, ...]:
    """The word as written, then the singular forms its plural ending may stand for."""
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    return tuple(forms)


def in_context(verdict: ColumnSensitivity, column: str, entity: Entity,
               vocabulary: Vocabulary) -> ColumnSensitivity:
    """A column's verdict given whose record it is in. Contact data of the record (its name,
    address, phone, email) changes only when the subject is a thing: the column's own entity
    word (`store_phone`, `customer_email`) wins over the record's, except a workplace word in a
    person record (a contact's `business_address` is theirs). In a person record its own key is
    a person key; in a message a column no rule knows that ends in a party word names people."""
    if entity.kind == "person" and verdict.tags == {"IDENTIFIER"} and not verdict.identifier:
        return _own_key(verdict, column, entity, vocabulary)
    unknown_to_rules = not verdict.sensitive and verdict.data_type is None \
        and verdict.layer in ("default", "embedding")
    if unknown_to_rules and (named := vocabulary.person_named(column)) is not None:
        return _person_name(verdict, named, vocabulary)
    if entity.kind == "message" and unknown_to_rules:
        return _party(verdict, column, entity, vocabulary)
    if verdict.sensitive and verdict.data_type in vocabulary.person_only:
        return _of_a_person(verdict, column, entity, vocabulary)
    if not verdict.sensitive or not verdict.about_record:
        return verdict
    subject = vocabulary.qualifier_in(column) or entity
    if entity.kind == "person" and subject.noun in vocabulary.workplace:
        return verdict  # a contact's business address is where that person works
    if subject.kind != "thing":
        return verdict
    whose = "what the record describes" if subject is entity else "named in the column"
    return replace(verdict, tier=Tier.INTERNAL, tags=frozenset(), identifier=False,
                   why=f"{verdict.why}; but here it is the {verdict.data_type or 'contact data'}"
                       f" of a {subject.noun} ({whose}), not of a person")


def _person_name(verdict: ColumnSensitivity, person: Entity,
                 vocabulary: Vocabulary) -> ColumnSensitivity:
    """A name word right after a person word (`defendant_name`) is that person's name, in
    any record: data about a person stays personal wherever it is kept."""
    names = vocabulary.person_names
    assert names is not None
    return replace(verdict, tier=names.tier, tags=frozenset(names.tags), identifier=True,
                   data_type=names.data_type, fideslang=names.fideslang, layer="heuristic",
                   confidence=0.7, about_record=False,
                   why=f"the name of a {person.noun}, a person, identifies them")


def _of_a_person(verdict: ColumnSensitivity, column: str, entity: Entity,
                 vocabulary: Vocabulary) -> ColumnSensitivity:
    """A data type that is personal only of a person (a weight, a height): kept when the column
    or the record names a person, else it describes the record (a parcel's `weight_kg`); an
    unknown record gives no person, so nothing here is assumed about one."""
    subject = vocabulary.qualifier_in(column) or entity
    if subject.kind == "person":
        return verdict
    whose = f"a {subject.noun}" if subject.noun else "a record that names no person"
    return replace(verdict, tier=Tier.INTERNAL, tags=frozenset(), identifier=False,
                   why=f"{verdict.why}; but here it is the {verdict.data_type} of {whose}, "
                       f"not of a person")


def _party(verdict: ColumnSensitivity, column: str, entity: Entity,
           vocabulary: Vocabulary) -> ColumnSensitivity:
    """A column no rule knows that names a party of a message (`from`, `MetadataTo`, `cc`):
    the names or addresses of the people who sent or received it; or that holds what they
    wrote (`body`, `ExtractedBodyText`): their private correspondence."""
    tokens = vocabulary.tokens_of(column)
    messages = vocabulary.messages
    if not tokens or re.search(messages.unless, "_".join(tokens)):
        return verdict
    if tokens[-1] in messages.parties:
        return replace(verdict, tier=messages.tier, tags=frozenset(messages.tags),
                       identifier=True, data_type=messages.data_type,
                       fideslang=messages.fideslang, layer="heuristic", confidence=0.7,
                       why=f"the {tokens[-1]!r} party of a {entity.noun} names the people who "
                           f"sent or received it")
    if tokens[-1] in messages.content.words:
        return replace(verdict, tier=messages.tier, tags=frozenset(messages.tags),
                       data_type=messages.content.data_type,
                       fideslang=messages.content.fideslang, layer="heuristic",
                       confidence=0.7,
                       why=f"the {tokens[-1]!r} of a {entity.noun} is what its sender wrote to "
                           f"its recipients: their private correspondence")
    return verdict


def _own_key(verdict: ColumnSensitivity, column: str, entity: Entity,
             vocabulary: Vocabulary) -> ColumnSensitivity:
    """The record's own key in a person entity (`id`, `customer_sk` of customers) points at
    one person: an identifier of them (pseudonymous), still not PII by itself."""
    normal = normalise_name(column)
    key = _KEY.match(normal)
    noun = vocabulary.noun_in(key["noun"]) if key else None
    if not (_BARE_KEY.match(normal) or (noun is not None and noun.noun == entity.noun)):
        return verdict
    own = vocabulary.own_key
    return replace(verdict, identifier=True, data_type=own.data_type, fideslang=own.fideslang,
                   why=f"{verdict.why}; but it is the key of the {entity.noun or 'person'} "
                       f"record, so it points at one person")


def load_vocabulary() -> Vocabulary:
    """The shipped vocabulary; a bad file is one ConfigError naming the file and the key."""
    return _load(str(shipped_dir("rules") / ENTITIES_FILE))


@cache
def _load(path: str) -> Vocabulary:
    try:
        parsed = EntityFile.model_validate(read_yaml(Path(path)))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise ConfigError(f"{path}: {key}: {first['msg']}") from exc
    nouns: dict[str, Entity] = {}
    for group in parsed.persons:
        for word in group.words:
            nouns[normalise_name(word)] = Entity(
                "person", normalise_name(word), "", group.linked.tier,
                frozenset(group.linked.tags))
    for things in parsed.things:
        for word in things.words:
            nouns.setdefault(normalise_name(word), Entity("thing", normalise_name(word), ""))
    linked = parsed.persons[0].linked if parsed.persons else Linked(tier=Tier.INTERNAL, tags=[])
    person = Entity("person", None, "", linked.tier, frozenset(linked.tags))
    cut = "|".join(re.escape(normalise_name(w)) for w in parsed.not_entities)
    return Vocabulary(nouns, max(n.count("_") + 1 for n in nouns), person,
                      frozenset(normalise_name(w) for w in parsed.record_words),
                      frozenset(parsed.evidence.fideslang), parsed.evidence.at_least,
                      parsed.own_key, frozenset(normalise_name(w) for w in parsed.workplace),
                      re.compile(rf"(?:^|_)(?:{cut})(?=_|$)") if cut else None,
                      parsed.messages,
                      frozenset(normalise_name(w) for w in parsed.messages.words),
                      frozenset(normalise_name(w) for w in parsed.head_only),
                      parsed.person_names, frozenset(parsed.person_only))


