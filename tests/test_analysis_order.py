"""A file's analysis does not depend on which files the same process analysed before it.

Pool workers keep what they learn of other project files for every later file, and which
files a worker gets depends on the machine's cores and the shard it runs in. A helper two
imports deep used to be read once at whatever depth first asked: analysed after a file that
reached it deeper, a job calling it directly lost the send its helpers make.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import write_files
from test_catalog import SDK_ROWS

FILES = {
    "helpers/deep.py": "import pandas as pd\n\n\ndef load():\n"
                       "    return pd.read_csv('data/customers.csv')\n",
    "helpers/top.py": "from helpers.deep import load\n\n\ndef fetch():\n    return load()\n",
    # reaches helpers/top.py three imports deep, where its own imports are no longer followed
    "reports/outer.py": "from reports.inner import summary\n\nprint(summary())\n",
    "reports/inner.py": "from reports.middle import count\n\n\ndef summary():\n"
                        "    return count()\n",
    "reports/middle.py": "from helpers.top import fetch\n\n\ndef count():\n"
                         "    return len(fetch())\n",
    "job.py": "import requests\n\nfrom helpers.top import fetch\n\n"
              "requests.post('https://partner.example/upload', json=fetch().to_dict())\n",
    "data/customers.csv": "customer_id,email\n1,a@example.com\n",
}

ANALYSE = """
import json, sys
from pathlib import Path
from lacuna_cli.extract import extract_file, pyshared
pyshared.SOURCE_BUDGET = int(sys.argv[2])
root = Path(sys.argv[1])
for relpath in sys.argv[3:]:
    extraction = extract_file(root / relpath, relpath, root, None, ())
print(json.dumps(extraction.model_dump(mode="json"), sort_keys=True))
"""


def _last_analysis(root: Path, *order: str, budget: int = 6_000_000) -> str:
    """The analysis of the last of `order`, the files analysed one after another in one
    process (a fresh one, as a pool worker starts) keeping `budget` source bytes of other
    modules' parses and interpreters."""
    return subprocess.run([sys.executable, "-c", ANALYSE, str(root), str(budget), *order],
                          capture_output=True, text=True, check=True).stdout


def test_a_job_is_analysed_alike_whatever_was_analysed_before(tmp_path: Path) -> None:
    write_files(tmp_path, FILES)
    alone = _last_analysis(tmp_path, "job.py")
    assert "partner.example" in alone and "customers.csv" in alone
    assert _last_analysis(tmp_path, "reports/outer.py", "job.py") == alone
    assert _last_analysis(tmp_path, "reports/middle.py", "reports/outer.py", "job.py") == alone


def test_modules_dropped_from_memory_are_read_again_alike(tmp_path: Path) -> None:
    write_files(tmp_path, FILES)
    kept = _last_analysis(tmp_path, "reports/middle.py", "job.py")
    assert _last_analysis(tmp_path, "reports/middle.py", "job.py", budget=1) == kept


TEAM_SDK_FILES = {
    "catalog/acme.yaml": SDK_ROWS,
    "helpers/sync.py": "import acme_sdk\n\nclient = acme_sdk.Client(token='...')\n\n\n"
                       "def push(records):\n"
                       "    client.tables.push_records(records, dataset='marketing')\n",
    "job.py": "import pandas as pd\n\nfrom helpers.sync import push\n\n"
              "push(pd.read_csv('people.csv').to_dict('records'))\n",
    "people.csv": "first_name,email\nAna,a@example.com\n",
}

ANALYSE_WITH_CATALOGS = """
import json, sys
from pathlib import Path
from lacuna_cli.extract import extract_file
root = Path(sys.argv[1])
for apis in sys.argv[2:]:
    catalogs = tuple(root / name for name in apis.split(",") if name)
    extraction = extract_file(root / "job.py", "job.py", root, None, catalogs)
print(json.dumps(extraction.model_dump(mode="json"), sort_keys=True))
"""


def test_what_another_file_does_is_read_again_under_another_catalog(tmp_path: Path) -> None:
    """A process analysing with the shipped catalog, then with a team's (an IPython session
    whose project gained one), must not keep what the shipped one said of a helper: that its
    in-house SDK call is no send."""
    write_files(tmp_path, TEAM_SDK_FILES)

    def analysis(*catalogs: str) -> str:
        return subprocess.run([sys.executable, "-c", ANALYSE_WITH_CATALOGS, str(tmp_path),
                               *catalogs], capture_output=True, text=True, check=True).stdout

    taught = analysis("catalog/acme.yaml")
    assert "acme-insights:marketing" in taught
    assert "acme-insights" not in analysis("")
    assert analysis("", "catalog/acme.yaml") == taught


RECURSIVE_FILES = {
    "helpers/walk.py": "import pandas as pd\n\n\ndef load(depth):\n    if depth > 3:\n"
                       "        return pd.read_csv('data/customers.csv')\n"
                       "    return descend(depth + 1)\n\n\ndef descend(depth):\n"
                       "    if depth > 5:\n        return None\n    return load(depth)\n",
    "loads.py": "from helpers.walk import load\n\nprint(len(load(0)))\n",
    "job.py": "import requests\n\nfrom helpers.walk import descend\n\n"
              "requests.post('https://partner.example/upload', json=descend(0).to_dict())\n",
    "data/customers.csv": "customer_id,email\n1,a@example.com\n",
}


def test_a_recursive_pair_in_another_file_reads_alike_whichever_was_asked_first(
        tmp_path: Path) -> None:
    """`load` and `descend` call each other: summarised for a file calling `load` first, the
    summary of `descend` is made while `load`'s is unfinished. A job calling `descend`
    afterwards in the same worker must still post the customers `load` reads."""
    write_files(tmp_path, RECURSIVE_FILES)
    alone = _last_analysis(tmp_path, "job.py")
    assert "partner.example" in alone and "customers.csv" in alone
    assert _last_analysis(tmp_path, "loads.py", "job.py") == alone
