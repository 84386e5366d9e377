"""The per-file extraction cache: warm runs reuse analyses, changes are always seen."""

from __future__ import annotations

import json
from pathlib import Path

from lacuna_cli.extract.batch import Job, extract_all, file_digest


def write_project(root: Path, header: str) -> None:
    # The cache is under test, not layer 2.
    (root / "lacuna.toml").write_text("embeddings = false\n")
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "visits.csv").write_text(header + "\n")
    (root / "job.py").write_text("import pandas as pd\np = pd.read_csv('data/visits.csv')\n"
                                 "p.to_csv('~/Desktop/p.csv')\n")


def findings(lacuna, root: Path) -> tuple[int, list[dict]]:
    result = lacuna("check", ".", "--format", "json", cwd=root)
    return result.code, json.loads(result.stdout)["findings"]


def test_warm_run_gives_the_same_findings_and_a_changed_header_is_seen(tmp_path, lacuna):
    write_project(tmp_path, "city,visits")
    code, cold = findings(lacuna, tmp_path)
    assert code == 0
    code, warm = findings(lacuna, tmp_path)
    assert code == 0 and warm == cold
    (tmp_path / "data" / "visits.csv").write_text("city,visits,email\n")
    code, changed = findings(lacuna, tmp_path)
    assert code == 1, "a new personal column in the data file must be noticed"
    assert any(not f["decision"]["allowed"] for f in changed)


def test_changed_code_is_analysed_again(tmp_path, lacuna):
    write_project(tmp_path, "city,visits")
    assert findings(lacuna, tmp_path)[0] == 0
    (tmp_path / "job.py").write_text("import pandas as pd\np = pd.read_csv('data/visits.csv')\n"
                                     "p.to_csv('reports/p.csv')\np.to_json('~/p.json')\n")
    _, again = findings(lacuna, tmp_path)
    assert sorted(f["operation"]["destination"]["name"] for f in again
                  if f["operation"]["destination"]) == ["reports/p.csv", "~/p.json"]


def test_cache_hits_skip_analysis_and_keep_lineage_wiring(tmp_path):
    write_project(tmp_path, "city,email")
    job = Job(tmp_path / "job.py", "job.py", tmp_path, None)
    (first,), fresh, _ = extract_all([job], {})
    assert fresh and fresh[0].digest == file_digest(job)
    (again,), none, _ = extract_all([job], {"job.py": (fresh[0].digest, fresh[0].payload)})
    assert none == []
    assert again == first
    assert again.data_nodes == first.data_nodes
    assert all(op.id in again.data_nodes for op in again.operations)


def test_a_changed_header_is_seen_by_the_next_check_in_the_same_process(tmp_path):
    """A long-lived process (an IPython session, a program using the API) checks again after
    a data file gained a personal column: its header is read again, not remembered."""
    from lacuna_cli.config import load_config
    from lacuna_cli.scan import check

    write_project(tmp_path, "city,visits")
    first = check([tmp_path], load_config(tmp_path, tmp_path), None)
    assert all(f.decision.allowed for f in first.findings)
    (tmp_path / "data" / "visits.csv").write_text("city,visits,email\n")
    again = check([tmp_path], load_config(tmp_path, tmp_path), None)
    assert any(not f.decision.allowed for f in again.findings), \
        "a new personal column in the data file must be noticed"
