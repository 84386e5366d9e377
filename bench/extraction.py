"""Recall and precision of Python/notebook extraction on the labeled corpus.

Runs the real extract stage on every file of `fixtures/python_corpus` that has an
`<name>.expected.json` beside it and compares with the labels (format: the corpus README).

- Operations match on (action, cell, line, place): the place is the destination of a write or
  export, the resource of a read, nothing for the other actions; an unknown (dynamic) place is
  `?`. Duplicates count: two expected reads on one line need two found.
- Edges are (source, destination) pairs of every write and export.

Prints overall figures, then per category (the label file's `category`) and per action.
With --stdlib it also extracts every file of the CPython standard library in this process (one
core, no cache): files/s and MB/s with the usual slicing (only statements data can reach go to
libcst) and with whole modules, and how many files' extractions differ between the two.
Usage: `python bench/extraction.py [-v] [--stdlib]` (-v lists every miss and false positive).
"""

from __future__ import annotations

import json
import sys
import sysconfig
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from unittest import mock

from lacuna_cli.extract import extract_file
from lacuna_cli.extract import python as python_extractor
from lacuna_cli.models import Extraction, Operation

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "python_corpus"
WRITES = ("write", "export")
OpKey = tuple[str, int | None, int, str | None]


def found_keys(op: Operation) -> tuple[OpKey, list[tuple[str, str]]]:
    if op.action in WRITES or op.action == "read":
        resource = op.destination if op.action in WRITES else (
            op.sources[0] if op.sources else None)
        place = "?" if resource is None or resource.kind == "unknown" else resource.name
    else:
        place = None
    key = (op.action, op.location.cell, op.location.line, place)
    edges = [("?" if s.kind == "unknown" else s.name, place) for s in op.sources
             ] if op.action in WRITES and place else []
    return key, edges


def expected_keys(label: dict) -> tuple[OpKey, list[tuple[str, str]]]:
    action = label["action"]
    place = label.get("resource") if action in (*WRITES, "read") else None
    key = (action, label.get("cell"), label["line"], place)
    edges = [(s, place) for s in label.get("sources", [])] if action in WRITES else []
    return key, edges


class Tally:
    """True positives, false positives and false negatives of one slice of the corpus."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, expected: Counter, found: Counter) -> tuple[Counter, Counter]:
        hits = expected & found
        self.tp += sum(hits.values())
        missed, extra = expected - found, found - expected
        self.fn += sum(missed.values())
        self.fp += sum(extra.values())
        return missed, extra

    def figures(self) -> str:
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        return (f"recall {recall:.3f}  precision {precision:.3f}  "
                f"(tp {self.tp}, fn {self.fn}, fp {self.fp})")


def by_action(keys: Iterable[OpKey]) -> dict[str, Counter]:
    split: dict[str, Counter] = defaultdict(Counter)
    for key in keys:
        split[key[0]][key] += 1
    return split


def main(verbose: bool) -> None:
    ops, edges = Tally(), Tally()
    per_category: dict[str, tuple[Tally, Tally]] = defaultdict(lambda: (Tally(), Tally()))
    per_action: dict[str, Tally] = defaultdict(Tally)
    files = errors = 0
    for label_file in sorted(CORPUS.rglob("*.expected.json")):
        source = label_file.with_name(label_file.name.replace(".expected.json", ""))
        labels = json.loads(label_file.read_text(encoding="utf-8"))
        relpath = source.relative_to(CORPUS).as_posix()
        extraction = extract_file(source, relpath, CORPUS, None)
        files += 1
        errors += len(extraction.errors)
        for error in extraction.errors:
            print(f"  error {relpath}:{error.line}: {error.message}")
        expected = [expected_keys(label) for label in labels["operations"]]
        found = [found_keys(op) for op in extraction.operations]
        want, got = Counter(k for k, _ in expected), Counter(k for k, _ in found)
        want_edges = Counter(e for _, es in expected for e in es)
        got_edges = Counter(e for _, es in found for e in es)
        category = per_category[labels["category"]]
        for tally in (ops, category[0]):
            missed, extra = tally.add(want, got)
        for tally in (edges, category[1]):
            missed_edges, extra_edges = tally.add(want_edges, got_edges)
        wanted_by, got_by = by_action(want.elements()), by_action(got.elements())
        for action in set(wanted_by) | set(got_by):
            per_action[action].add(wanted_by.get(action, Counter()), got_by.get(action, Counter()))
        if verbose:
            for key in sorted(missed.elements(), key=str):
                print(f"  missed {relpath}: {key}")
            for key in sorted(extra.elements(), key=str):
                print(f"  extra  {relpath}: {key}")
            for edge in sorted(missed_edges.elements()):
                print(f"  missed edge {relpath}: {edge[0]} -> {edge[1]}")
            for edge in sorted(extra_edges.elements()):
                print(f"  extra  edge {relpath}: {edge[0]} -> {edge[1]}")
    print(f"labeled corpus: {files} files, {errors} extraction errors")
    print(f"operations          {ops.figures()}")
    print(f"source->destination {edges.figures()}")
    print("per category:")
    for name, (op_tally, edge_tally) in sorted(per_category.items()):
        print(f"  {name:<12} operations {op_tally.figures()}")
        print(f"  {'':<12} edges      {edge_tally.figures()}")
    print("per action:")
    for name, tally in sorted(per_action.items()):
        print(f"  {name:<10} {tally.figures()}")


def stdlib(sliced: bool) -> tuple[dict[str, Extraction], float, float]:
    """Every stdlib file's extraction, the seconds it took and the megabytes read."""
    root = Path(sysconfig.get_paths()["stdlib"])
    paths = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)
    whole = mock.patch.object(python_extractor, "relevant_source", lambda source, *_: source)
    with mock.patch.object(python_extractor, "relevant_source",
                           python_extractor.relevant_source) if sliced else whole:
        start = time.perf_counter()
        found = {p.relative_to(root).as_posix(): extract_file(p, p.relative_to(root).as_posix(),
                                                              root, None) for p in paths}
        seconds = time.perf_counter() - start
    return found, seconds, sum(p.stat().st_size for p in paths) / 1e6


def stdlib_figures() -> None:
    sliced, sliced_seconds, megabytes = stdlib(sliced=True)
    whole, whole_seconds, _ = stdlib(sliced=False)
    print(f"CPython stdlib: {len(sliced)} files, {megabytes:.1f} MB, extraction only, one core")
    for name, seconds in (("sliced", sliced_seconds), ("whole modules", whole_seconds)):
        print(f"  {name:<14} {seconds:6.1f} s  {len(sliced) / seconds:6.1f} files/s  "
              f"{megabytes / seconds:5.2f} MB/s")
    differing = [path for path, extraction in sliced.items() if extraction != whole[path]]
    print(f"  extractions that differ between the two: {len(differing)} "
          f"({sum(len(e.operations) for e in sliced.values())} operations)")
    for path in differing:
        print(f"    {path}")


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
    if "--stdlib" in sys.argv[1:]:
        stdlib_figures()
