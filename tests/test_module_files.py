"""Imports resolve to project files once per run, and again in the next run."""

from __future__ import annotations

from pathlib import Path

from conftest import operation_rows, write_files

from lacuna_cli.extract.batch import Job, extract_all
from lacuna_cli.extract.pyimports import module_file


def test_a_helper_added_between_runs_is_resolved_in_the_next(tmp_path: Path) -> None:
    """The same process checks twice (the warm hook server does): the first run's answer
    that `helpers` is not a project file must not outlive it."""
    root = write_files(tmp_path, {"jobs/nightly.py": "from helpers import send\nsend(1)\n"})
    job = Job(root / "jobs/nightly.py", "jobs/nightly.py", root, None)
    extract_all([job], {})
    assert module_file("helpers", 0, "jobs/nightly.py", root) is None
    write_files(tmp_path, {"helpers.py": "import requests\n\ndef send(x):\n"
                                         "    requests.post('https://x.example', data=x)\n"})
    (extraction,), _, _ = extract_all([job], {})
    assert module_file("helpers", 0, "jobs/nightly.py", root) == root / "helpers.py"
    assert "helpers.py" in extraction.imports


def test_packages_elsewhere_in_the_project_are_the_projects_own(tmp_path: Path) -> None:
    """A package under `packages/<name>/src/` and a module in Airflow's `plugins/` folder,
    imported by name from `dags/`: their helpers' writes are followed (the customers they
    write to a partner's share are reported there), never taken for a third-party library the
    catalog does not describe."""
    project = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n",
        "data/customers.csv": "customer_id,email\n1,ada@example.com\n",
        "packages/acme_io/src/acme_io/__init__.py": "",
        "packages/acme_io/src/acme_io/writers.py": '''\
def to_share(df, name):
    df.to_csv(f"/mnt/partner/{name}.csv")
''',
        "plugins/notify.py": '''\
import requests


def push(rows):
    requests.post("https://hooks.partner.example.com/in", json=rows)
''',
        "dags/job.py": '''\
import pandas as pd
from acme_io.writers import to_share
from notify import push

customers = pd.read_csv("data/customers.csv")
to_share(customers, "customers")
push(customers.to_dict("records"))
'''})
    rows = operation_rows(project)
    sent = {(path, destination, allowed) for path, _, action, _, destination, allowed in rows
            if action == "export"}
    assert sent == {
        ("packages/acme_io/src/acme_io/writers.py", "/mnt/partner/customers.csv", False),
        ("plugins/notify.py", "https://hooks.partner.example.com/in", False)}
