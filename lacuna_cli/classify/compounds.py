"""Run-together column names (`MBRNAME`, `homephone`, `dateofbirth`) read as their words.

A token no rule knows is cut into pieces only when every piece is a word the rules already know
(`rules/compounds.yaml` says the conditions and holds the few exceptions): a guess from letters
alone would read `hotel` as ho + tel. What the pieces are is data, the column rules' own words
and the entity vocabulary's person words, so a word added to a rule is a piece from then on.
"""

from __future__ import annotations

from collections.abc import Iterable
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

    pieces: frozenset[str]
    short: frozenset[str]
    # Tokens never cut: the pieces themselves and the listed words that only look composed.
    whole: frozenset[str]
    longest: int

    def split(self, normal: str) -> str:
        """`normal` with each token that is a clear compound cut into its words
        (`mbrname` -> `mbr_name`), or `normal` itself when none is."""
        tokens = normal.split("_")
        out: list[str] = []
        changed = False
        for token in tokens:
            cut = None if len(token) < 4 or token in self.whole else self._cut(token)
            if cut is None:
                out.append(token)
            else:
                out.extend(cut)
                changed = True
        return "_".join(out) if changed else normal

    def _cut(self, token: str) -> tuple[str, ...] | None:
        """The best cut of `token` into two or more pieces: fewest pieces, then the longest
        shortest piece; None when there is none or two cuts tie."""
        size = len(token)
        digits = size
        while digits > 0 and token[digits - 1].isdigit():
            digits -= 1
        if digits == 0:
            return None
        # best[i]: (score, pieces, tied) of the best cut of token[i:digits]; score is
        # (number of pieces, -shortest piece), lower is better.
        best: list[tuple[tuple[int, int], tuple[str, ...], bool] | None] = [None] * (digits + 1)
        best[digits] = ((0, -size), (), False)
        for start in range(digits - 1, -1, -1):
            found: tuple[tuple[int, int], tuple[str, ...], bool] | None = None
            for end in range(start + 1, min(digits, start + self.longest) + 1):
                rest = best[end]
                if rest is None:
                    continue
                piece = token[start:end]
                if not (piece in self.short if len(piece) < _MIN_PIECE else
                        piece in self.pieces):
                    continue
                (count, shortest), pieces, tied = rest
                score = (count + 1, max(shortest, -len(piece)))
                if found is None or score < found[0]:
                    found = (score, (piece, *pieces), tied)
                elif score == found[0]:
                    found = (score, found[1], True)
            best[start] = found
        whole = best[0]
        if whole is None or whole[2]:
            return None
        pieces = whole[1] + ((token[digits:],) if digits < size else ())
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
    return Splitter(pieces, frozenset(parsed.short_pieces),
                    frozenset((*pieces, *whole, *parsed.whole_words)),
                    max(map(len, pieces), default=0))
