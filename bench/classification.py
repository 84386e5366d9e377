"""Column classification on the shared corpus column_pii.json (bench/shared_corpora.py): "is
PII" quality and latency.

615 labeled column names from three peers' test data. A column counts as predicted PII when
its verdict carries PII, PHI, PCI or CREDENTIALS (the corpus labels card numbers and passwords
as PII); IDENTIFIER alone (a customer_id key) does not. Two scorings are printed:
- strict: the corpus labels as given;
- adjudicated: the scoped negatives listed in bench/column_pii_adjudication.yaml (left
  unlabeled by a peer that only knew 14 info types, but sensitive under our tiers) count as
  positives. Target F1 >= 0.90.
Each scoring for layer 1 alone and for layers 1+2 (embeddings for the names layer 1 is not
sure of). Latency: layer 1 per distinct name with its caches cleared (target p50 <= 10 us);
the embedding path per column uncached (fresh cache, model load shown apart) and cached; and
model loads in a warm second run in a fresh process on the same DuckDB file (target 0).

Run: python bench/classification.py [--warm DB]   (the --warm form is the second process)
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from lacuna_cli.classify import embeddings
from lacuna_cli.classify.cache import Cache
from lacuna_cli.classify.heuristics import load_rules, normalise_name
from lacuna_cli.classify.layers import CONFIDENT, ColumnLayers, rule_verdict
from lacuna_cli.classify.inherit import ColumnSensitivity
from lacuna_cli.store import open_store
from shared_corpora import corpus_files

HERE = Path(__file__).resolve().parent
(CORPUS,) = corpus_files("column_pii.json")
ADJUDICATION = HERE / "column_pii_adjudication.yaml"
PERSONAL = frozenset({"PII", "PHI", "PCI", "CREDENTIALS"})


def predicted(verdict: ColumnSensitivity) -> bool:
    return bool(verdict.tags & PERSONAL)


def scores(rows: list[dict], verdicts: dict[str, ColumnSensitivity], sensitive: set[str]
           ) -> tuple[float, float, float, list[str]]:
    tp = fp = fn = 0
    misses = []
    for row in rows:
        gold = row["label"] is not None or row["id"] in sensitive
        guess = predicted(verdicts[row["column"]])
        tp += gold and guess
        fp += guess and not gold
        fn += gold and not guess
        if gold != guess:
            misses.append(f"{'FP' if guess else 'FN'} {row['id']} {row['column']!r} "
                          f"({row['label']}) {verdicts[row['column']].layer}: "
                          f"{verdicts[row['column']].why[:90]}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, misses


def layer1_latency(names: list[str]) -> list[float]:
    """Microseconds per distinct name, each the best of 5 passes with caches cleared."""
    rules = load_rules()
    best = {name: float("inf") for name in names}
    for _ in range(5):
        normalise_name.cache_clear()
        for name in names:
            start = time.perf_counter_ns()
            rule_verdict(name, rules)
            best[name] = min(best[name], (time.perf_counter_ns() - start) / 1000)
    return sorted(best.values())


def layered(names: list[str], db: Path) -> tuple[dict[str, ColumnSensitivity], float, int]:
    """Layers 1+2 over every name on the DuckDB file `db`: verdicts, seconds, names embedded."""
    with open_store(db, write=True) as connection:
        layers = ColumnLayers(load_rules(), Cache(connection), notify=print)
        unsure = [n for n in names if rule_verdict(n, layers.rules).confidence < CONFIDENT]
        start = time.perf_counter()
        layers.decide(names)
        elapsed = time.perf_counter() - start
        return {n: layers.verdict(n) for n in names}, elapsed, len(unsure)


def warm(db: Path) -> None:
    """The second process: classify everything again and report what it had to load."""
    rows = json.loads(CORPUS.read_text())
    names = sorted({row["column"] for row in rows})
    _, elapsed, unsure = layered(names, db)
    print(json.dumps({"model_loads": embeddings.model_loads, "seconds": elapsed,
                      "embedded": unsure, "torch_imported": "torch" in sys.modules}))


def main() -> None:
    rows = json.loads(CORPUS.read_text())
    sensitive = set(yaml.safe_load(ADJUDICATION.read_text())["sensitive"])
    names = sorted({row["column"] for row in rows})
    rules = load_rules()
    layer1 = {name: rule_verdict(name, rules) for name in names}
    print(f"corpus: {len(rows)} columns ({len(names)} distinct names), "
          f"{sum(r['label'] is not None for r in rows)} labeled PII, "
          f"{len(sensitive)} scoped negatives adjudicated sensitive")

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.duckdb"
        both = None
        if embeddings.available():
            both, cold, unsure = layered(names, db)
            _, cached, _ = layered(names, db)
            second = subprocess.run([sys.executable, __file__, "--warm", str(db)],
                                    capture_output=True, text=True, check=True)
            report = json.loads(second.stdout.strip().splitlines()[-1])
        else:
            print(embeddings.MISSING_EXTRA)

        for label, verdicts in (("layer 1", layer1), ("layers 1+2", both)):
            if verdicts is None:
                continue
            for scoring, extra in (("strict", set()), ("adjudicated", sensitive)):
                p, r, f, _ = scores(rows, verdicts, extra)
                print(f"{label:<11} {scoring:<12} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")

        latency = layer1_latency(names)
        print(f"layer 1 latency per column: p50 {statistics.median(latency):.1f} us, "
              f"p95 {latency[int(len(latency) * 0.95)]:.1f} us, max {latency[-1]:.1f} us")
        if both is not None:
            print(f"embedding path, uncached: {cold:.2f} s for {unsure} names layer 1 is unsure "
                  f"of ({cold / unsure * 1000:.1f} ms per column, model import+load included; "
                  f"model loads: {embeddings.model_loads})")
            print(f"embedding path, cached (same process): {cached * 1e6 / unsure:.0f} us "
                  f"per column")
            print(f"warm second run (fresh process, same DuckDB file): "
                  f"{report['seconds'] * 1e6 / report['embedded']:.0f} us per column, model "
                  f"loads {report['model_loads']}, torch imported: {report['torch_imported']}")
            _, _, _, misses = scores(rows, both, sensitive)
            print(f"\nstill wrong with layers 1+2 (adjudicated), {len(misses)}:")
            print("\n".join(f"  {m}" for m in misses))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--warm":
        warm(Path(sys.argv[2]))
    else:
        main()
