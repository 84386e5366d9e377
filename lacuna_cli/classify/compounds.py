"""Run-together column names (`MBRNAME`, `homephone`, `dateofbirth`) read as their words.

A token no rule knows is cut into pieces only when every piece is a word the rules already know
(`rules/compounds.yaml` says the conditions and holds the few exceptions): a guess from letters
alone would read `hotel` as ho + tel. What the pieces are is data, the column rules' own words
and the entity vocabulary's words, so a word added to a rule is a piece from then on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from lacuna_cli.errors import ConfigError
from lacuna_cli.yamlfile import read_yaml

COMPOUNDS_FILE = "compounds.yaml"
# Pieces shorter than this must be one of `short_pieces`.
_MIN_PIECE = 3


class CompoundFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    kind: Literal["compounds"]
    short_pieces: list[str]
    whole_words: list[str]


@dataclass(frozen=True)
class Splitter:
    """Cuts unknown tokens of a normalised name into known pieces."""

    # What may be a piece: the rules' words of 3 letters or more and the short abbreviations.
    pieces: frozenset[str]
    # Tokens never cut: the rules' words themselves and the listed words that only look
    # composed.
    whole: frozenset[str]
    # The first two letters of a piece -> the lengths of the pieces beginning with them, so a
    # cut tries only the lengths there are (a few probes, where every length would be dozens).
    lengths: dict[str, tuple[int, ...]]
    # The last three letters of a piece (the whole of a short one) -> the lengths of those
    # pieces: a token that ends in no piece is no compound, which a probe or two tells for most
    # of the tokens no rule knows.
    ends: dict[str, tuple[int, ...]]

    def split(self, normal: str) -> str:
        """`normal` with each token that is a clear compound cut into its words
        (`mbrname` -> `mbr_name`), or `normal` itself when none is."""
        tokens = normal.split("_")
        whole = self.whole
        if whole.issuperset(tokens):  # most names: every word known
            return normal
        out: list[str] = []
        changed = False
        for token in tokens:
            cut = None if len(token) < 5 or token in whole else self._cut(token)
            if cut is None:
                out.append(token)
            else:
                out.extend(cut)
                changed = True
        return "_".join(out) if changed else normal

    def _cut(self, token: str) -> tuple[str, ...] | None:
        """The best cut of `token` into two or more pieces: fewest pieces, then the longest
        shortest piece; None when there is none or two cuts tie."""
        size = digits = len(token)
        if token[-1].isdigit():  # a trailing ordinal is a piece of its own (`name1`, `addr2`)
            digits -= 1
            if token[-2].isdigit():  # a longer number is part of the word (`zip64`, `sha256`)
                return None
        pieces_known = self.pieces
        ends = self.ends
        if token[digits - 2:digits] not in ends:  # no short piece ends it
            for length in ends.get(token[digits - 3:digits], ()):
                if token[digits - length:digits] in pieces_known:
                    break
            else:
                return None
        # best[i]: (score, pieces, tied) of the best cut of token[i:digits]; score is
        # (number of pieces, -shortest piece), lower is better.
        best: list[tuple[tuple[int, int], tuple[str, ...], bool] | None] = [None] * (digits + 1)
        best[digits] = ((0, -size), (), False)
        lengths = self.lengths
        for start in range(digits - 1, -1, -1):
            found: tuple[tuple[int, int], tuple[str, ...], bool] | None = None
            for length in lengths.get(token[start:start + 2], ()):
                end = start + length
                if end > digits:
                    break
                rest = best[end]
                piece = token[start:end]
                if rest is None or piece not in pieces_known:
                    continue
                (count, shortest), pieces, tied = rest
                score = (count + 1, max(shortest, -length))
                if found is None or score < found[0]:
                    found = (score, (piece, *pieces), tied)
                elif score == found[0]:
                    found = (score, found[1], True)
            best[start] = found
        cut = best[0]
        if cut is None or cut[2]:
            return None
        pieces = cut[1] + ((token[digits:],) if digits < size else ())
        return pieces if len(pieces) > 1 else None


def load_splitter(path: Path, known: Iterable[str], whole: Iterable[str]) -> Splitter:
    """The splitter of `path` over the `known` phrases (snake_case; each of their words is a
    piece) and the `whole` words that are no compound; a bad file is one ConfigError naming
    the file and the key."""
    try:
        parsed = CompoundFile.model_validate(read_yaml(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise ConfigError(f"{path}: {key}: {first['msg']}") from exc
    pieces = frozenset(word for phrase in known for word in phrase.split("_")
                       if len(word) >= _MIN_PIECE and not word.isdigit())
    cut_into = pieces | frozenset(parsed.short_pieces)
    return Splitter(cut_into, frozenset((*pieces, *whole, *parsed.whole_words)),
                    _lengths_by(cut_into, lambda piece: piece[:2]),
                    _lengths_by(cut_into, lambda piece: piece[-3:]))


def _lengths_by(pieces: frozenset[str],
                letters: Callable[[str], str]) -> dict[str, tuple[int, ...]]:
    """Some letters of each piece (its first two, its last three) -> the lengths of those
    pieces."""
    found: dict[str, set[int]] = {}
    for piece in pieces:
        found.setdefault(letters(piece), set()).add(len(piece))
    return {key: tuple(sorted(lengths)) for key, lengths in found.items()}
