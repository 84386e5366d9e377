"""Two ways real jobs hand a frame on that once lost it: a loop unpacking (frame, path) pairs
— "write every output" tables, a dict's `.items()`, `zip` — and helpers taking `*args` or
`**kwargs`. Each frame goes to its own path; a pair list Lacuna cannot see into is a write to a
place computed at run time (LAC-DYN-001), never no operation at all."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_files

CUSTOMERS = {"data/customers.csv": "customer_id,name,email,phone,country\n"}

LOOPS = '''\
import pandas as pd

cust = pd.read_csv("data/customers.csv")
per_country = cust.groupby("country").size().reset_index(name="n")
for frame, path in [(per_country, "reports/per_country.csv"), (cust, "/mnt/share/cust.csv")]:
    frame.to_csv(path, index=False)
for path, frame in {"/mnt/share/cust2.csv": cust}.items():
    frame.to_csv(path)
for frame, path in zip([cust], ["/mnt/share/cust3.csv"]):
    frame.to_csv(path)
exports = [(per_country, "reports/pc.csv"), (cust, "/mnt/share/cust4.csv")]
[frame.to_csv(path) for frame, path in exports]
pairs = list(zip([cust], ["/mnt/share/cust5.csv"]))
for frame, path in pairs:
    frame.to_csv(path)
'''

SPREAD = '''\
import pandas as pd


def export(*args):
    args[0].to_csv("/mnt/share/args.csv", index=False)


def export_to(**kw):
    kw["frame"].to_csv(kw["path"], index=False)


def export_named(**kw):
    kw["frame"].to_csv("/mnt/share/kwargs.csv")


def show(prefix, *rows):
    for row in rows:
        print(prefix, row)


export(pd.read_csv("data/customers.csv"))
export_to(frame=pd.read_csv("data/customers.csv"), path="/mnt/share/given.csv")
export_named(frame=pd.read_csv("data/customers.csv"))
show("row:", pd.read_csv("data/customers.csv"))
'''


def _outputs(tmp_path: Path, lacuna, code: str) -> set[tuple[int, str, str, bool]]:
    """(line, destination, tier, allowed) of every write and export of a one-file project."""
    write_files(tmp_path, {"lacuna.toml": "embeddings = false\n", "job.py": code, **CUSTOMERS})
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    assert run.code == 1, run.stderr
    return {(f["operation"]["location"]["line"], f["operation"]["destination"]["name"],
             f["classification"]["tier"], f["decision"]["allowed"])
            for f in json.loads(run.stdout)["findings"]
            if f["operation"]["action"] in ("write", "export")}


def test_each_unpacked_frame_goes_to_its_own_path(tmp_path: Path, lacuna) -> None:
    assert _outputs(tmp_path, lacuna, LOOPS) == {
        (6, "reports/per_country.csv", "INTERNAL", True),
        (6, "/mnt/share/cust.csv", "PROPRIETARY", False),
        (8, "/mnt/share/cust2.csv", "PROPRIETARY", False),
        (10, "/mnt/share/cust3.csv", "PROPRIETARY", False),
        (12, "reports/pc.csv", "INTERNAL", True),
        (12, "/mnt/share/cust4.csv", "PROPRIETARY", False),
        (15, "path", "PROPRIETARY", False),  # pairs it cannot see into: computed at run time
    }


def test_args_and_kwargs_carry_what_the_caller_passes(tmp_path: Path, lacuna) -> None:
    assert _outputs(tmp_path, lacuna, SPREAD) == {
        (5, "/mnt/share/args.csv", "PROPRIETARY", False),
        (9, "/mnt/share/given.csv", "PROPRIETARY", False),
        (13, "/mnt/share/kwargs.csv", "PROPRIETARY", False),
        (18, "stdout", "PROPRIETARY", False),
    }
