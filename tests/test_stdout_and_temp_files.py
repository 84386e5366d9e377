"""Two ways rows leave a scheduled job unnoticed: written straight to the job's output
(`sys.stdout.write(json.dumps(rows))`, like `print`), and into a temporary file by its `.name`
(`df.to_csv(tmp.name)` once wrote to a project file called `tmp`, allowed)."""

from __future__ import annotations

from pathlib import Path

from conftest import outputs_by_line

JOB = '''\
import json
import sys
import tempfile

import pandas as pd

df = pd.read_csv("data/customers.csv")
sys.stdout.write(json.dumps(df.to_dict("records")))
sys.stderr.write(f"bad rows: {df.head()}\\n")
sys.stdout.write(f"{len(df)} rows\\n")
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as tmp:
    df.to_csv(tmp.name)
spool = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
df.to_csv(spool.name)
'''


def test_rows_on_the_job_output_or_in_a_temp_file_are_stopped(tmp_path: Path, lacuna) -> None:
    out = outputs_by_line(lacuna, tmp_path, {"data/customers.csv": "customer_id,email,phone\n",
                                             "job.py": JOB})
    assert set(out) == {8, 9, 12, 14}  # the row count on line 10 is a number, not rows
    assert out[8]["operation"]["destination"]["name"] == "stdout"
    assert out[9]["operation"]["destination"]["name"] == "stderr"
    for line in (12, 14):  # never a project file named after the handle's basename
        assert out[line]["operation"]["destination"]["name"] != "tmp"
    for line, finding in out.items():
        assert [s["name"] for s in finding["operation"]["sources"]] == ["data/customers.csv"]
        assert finding["decision"]["allowed"] is False, line
