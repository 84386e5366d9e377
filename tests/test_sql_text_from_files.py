"""SQL kept in `.sql` files of the project and run from Python, and drivers' batch helpers,
through the CLI: the query reads the tables the file names, and a change of the file is seen."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lacuna, write_files


def _findings(project: Path) -> list[tuple[int, str, tuple[str, ...], str]]:
    run = run_lacuna("check", "job.py", "--format", "json", cwd=project)
    assert run.code in (0, 1), run.stderr
    document = json.loads(run.stdout)
    assert document["errors"] == [], document["errors"]
    return [(f["operation"]["location"]["line"], f["operation"]["action"],
             tuple(s["name"] for s in f["operation"]["sources"]),
             (f["operation"]["destination"] or {}).get("name", ""))
            for f in document["findings"]]


def test_a_query_read_from_a_sql_file_reads_its_tables(tmp_path: Path) -> None:
    (tmp_path / "sql").mkdir()
    query = tmp_path / "sql" / "members.sql"
    query.write_text("-- contact list\nSELECT member_id, email FROM loyalty.members\n")
    (tmp_path / "job.py").write_text(
        "import os\nfrom pathlib import Path\n\nimport pandas as pd\nimport psycopg2\n"
        "import psycopg2.extras as extras\n"
        "conn = psycopg2.connect(os.environ['DSN'])\n"
        "members = pd.read_sql(Path('sql/members.sql').read_text(), conn)\n"
        "with conn.cursor() as cur:\n"
        "    extras.execute_values(cur, 'INSERT INTO mart.members (member_id, email) VALUES %s',"
        " list(members.itertuples(index=False)))\n")
    found = _findings(tmp_path)
    assert (8, "query", ("loyalty.members",), "") in found
    assert (10, "write", ("loyalty.members",), "mart.members") in found
    query.write_text("SELECT member_id, email FROM crm.people\n")
    assert (8, "query", ("crm.people",), "") in _findings(tmp_path)


def test_a_cursor_runs_the_sql_of_a_file_it_is_given(tmp_path: Path) -> None:
    """`cur.execute(open("sql/c.sql").read())` and sqlite's `con.execute(Path(...).read_text())`
    run the file's query: what they fetch are its tables' rows (before, the fetched rows were
    PUBLIC and sent on as such)."""
    write_files(tmp_path, {"sql/c.sql": "SELECT full_name, email FROM crm.customers\n",
                           "job.py": """\
import sqlite3
from pathlib import Path

import psycopg2
import requests

cur = psycopg2.connect('dbname=crm').cursor()
cur.execute(open('sql/c.sql').read())
requests.post('https://api.partner.example/in', json=cur.fetchall())
rows = sqlite3.connect('crm.db').execute(Path('sql/c.sql').read_text()).fetchall()
Path('/tmp/a.txt').write_text(str(rows))
"""})
    found = _findings(tmp_path)
    assert (8, "query", ("crm.customers",), "") in found
    assert (9, "export", ("crm.customers",), "https://api.partner.example/in") in found
    assert (10, "query", ("crm.customers",), "") in found
    assert (11, "export", ("crm.customers",), "/tmp/a.txt") in found
