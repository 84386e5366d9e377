"""Layer 2 with the real packaged model (all-MiniLM-L6-v2): verdicts, cache, warm runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lacuna_cli.classify import embeddings
from lacuna_cli.classify.cache import Cache
from lacuna_cli.classify.heuristics import load_rules
from lacuna_cli.classify.layers import ColumnLayers
from lacuna_cli.store import open_store

pytestmark = pytest.mark.skipif(not embeddings.available(),
                                reason="needs the [embeddings] extra (CI installs it)")
NAMES = ["recipient_names", "patient_illness", "home_location", "wind_speed", "email"]
WARM = """
import json, sys
from pathlib import Path
from lacuna_cli.classify import embeddings
from lacuna_cli.classify.cache import Cache
from lacuna_cli.classify.heuristics import load_rules
from lacuna_cli.classify.layers import ColumnLayers
from lacuna_cli.store import open_store
with open_store(Path(sys.argv[1]), write=True) as connection:
    layers = ColumnLayers(load_rules(), Cache(connection))
    layers.decide(sys.argv[2:])
    verdicts = {n: [layers.verdict(n).layer, sorted(layers.verdict(n).tags),
                    layers.verdict(n).data_type] for n in sys.argv[2:]}
print(json.dumps({"loads": embeddings.model_loads, "torch": "torch" in sys.modules,
                  "st": "sentence_transformers" in sys.modules, "verdicts": verdicts}))
"""


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> tuple[Path, dict]:
    db = tmp_path_factory.mktemp("emb") / "lacuna.duckdb"
    with open_store(db, write=True) as connection:
        layers = ColumnLayers(load_rules(), Cache(connection))
        layers.decide(NAMES)
        return db, {name: layers.verdict(name) for name in NAMES}


def test_names_the_rules_do_not_know_are_decided_by_nearest_examples(decided) -> None:
    _, verdicts = decided
    assert verdicts["recipient_names"].layer == "embedding"
    assert "PII" in verdicts["recipient_names"].tags
    assert "name of the recipient" in verdicts["recipient_names"].why
    # The deciding example's data type, named like layer 1's (rules/examples.yaml).
    assert (verdicts["recipient_names"].data_type, verdicts["recipient_names"].fideslang) == (
        "Full name", "user.name")
    assert verdicts["patient_illness"].tags >= {"PHI"}
    assert "PII" in verdicts["home_location"].tags
    assert not verdicts["wind_speed"].tags
    assert verdicts["email"].layer == "heuristic"  # layer 1 was sure: the model was not asked


def test_a_warm_run_reads_the_cache_and_never_imports_the_model(decided) -> None:
    db, cold = decided
    done = subprocess.run([sys.executable, "-c", WARM, str(db), *NAMES], capture_output=True,
                          text=True, check=True, timeout=120)
    report = json.loads(done.stdout)
    assert report["loads"] == 0 and not report["torch"] and not report["st"]
    assert report["verdicts"]["recipient_names"] == ["embedding", ["GDPR", "PII"], "Full name"]
    assert report["verdicts"]["wind_speed"][1] == []
    assert report["verdicts"] == {name: [v.layer, sorted(v.tags), v.data_type]
                                  for name, v in cold.items()}  # what the cold run decided


def test_layer_2_is_skipped_with_a_notice_when_a_miss_cannot_be_embedded(monkeypatch) -> None:
    monkeypatch.setattr(embeddings, "available", lambda: False)
    notices: list[str] = []
    layers = ColumnLayers(load_rules(), Cache(None), notify=notices.append)
    layers.decide(["zz_unknown_thing", "other_unknown"])
    assert notices == [embeddings.MISSING_EXTRA]
    assert layers.verdict("zz_unknown_thing").layer == "default"


CHECK = """
import json, sys, threading
from pathlib import Path
from lacuna_cli.classify import embeddings
from lacuna_cli.config import load_config
from lacuna_cli.scan import check
callers = []
load = embeddings.shared_model
def recorded():
    callers.append(threading.current_thread().name)
    return load()
embeddings.shared_model = recorded
root = Path(sys.argv[1])
result = check([root], load_config(root), None)
layers = sorted({c.layer for c in result.classifications.values()})
print(json.dumps({"loads": embeddings.model_loads, "callers": callers, "layers": layers,
                  "torch": "torch" in sys.modules}))
"""


def test_the_model_loads_only_when_a_name_reaches_layer_2(tmp_path) -> None:
    """Many new files go to the pool; the model is loaded once, in the foreground, only
    because `recipient_names` reaches layer 2 — and a second run, every name cached, never
    imports torch."""
    from lacuna_cli.extract.batch import PARALLEL_FROM

    (tmp_path / "lacuna.toml").write_text("")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mail.csv").write_text("recipient_names,wind_speed\n")
    for number in range(PARALLEL_FROM):
        (tmp_path / f"job{number}.py").write_text(
            "import pandas as pd\nmail = pd.read_csv('data/mail.csv')\n")

    def run() -> dict:
        done = subprocess.run([sys.executable, "-c", CHECK, str(tmp_path)], capture_output=True,
                              text=True, check=True, timeout=300)
        return json.loads(done.stdout)

    cold = run()
    assert cold["loads"] == 1 and "embedding" in cold["layers"]
    assert not cold["torch"]  # the model runs on numpy (minilm.py)
    assert cold["callers"] == ["MainThread"], cold["callers"]
    warm = run()  # every file and column name cached: no pool, no model
    assert warm["loads"] == 0 and not warm["torch"] and warm["callers"] == []


def test_a_cold_run_whose_names_the_rules_decide_never_imports_torch(tmp_path) -> None:
    (tmp_path / "lacuna.toml").write_text("")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mail.csv").write_text("email,phone_number\n")
    from lacuna_cli.extract.batch import PARALLEL_FROM

    for number in range(PARALLEL_FROM):
        (tmp_path / f"job{number}.py").write_text(
            "import pandas as pd\npd.read_csv('data/mail.csv').to_csv('out.csv')\n")
    done = subprocess.run([sys.executable, "-c", CHECK, str(tmp_path)], capture_output=True,
                          text=True, check=True, timeout=300)
    report = json.loads(done.stdout)
    assert report["loads"] == 0 and report["callers"] == [] and not report["torch"]
    assert "heuristic" in report["layers"]


BLOCKED_LOAD = """
import sys, threading
from lacuna_cli.classify import embeddings
embeddings.shared_model = lambda: threading.Event().wait()  # a load that never ends
from lacuna_cli.cli import main
sys.argv = ["lacuna", "check", sys.argv[1]]
main()
"""


def test_the_process_exits_after_its_report_without_waiting_for_an_unused_model(
        tmp_path) -> None:
    """Many new files, every name decided by the rules: nothing asks for the model and the
    process ends with its report (a never-ending load stands in for a slow one: a process that
    started or waited for it would hit the timeout)."""
    from lacuna_cli.extract.batch import PARALLEL_FROM

    (tmp_path / "lacuna.toml").write_text("")
    for number in range(PARALLEL_FROM):
        (tmp_path / f"job{number}.py").write_text(
            f"import pandas as pd\npd.read_csv('data/in_{number}.csv')"
            f".to_csv('reports/out_{number}.csv')\n")
    done = subprocess.run([sys.executable, "-c", BLOCKED_LOAD, str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"clean: {PARALLEL_FROM} files" in done.stdout
