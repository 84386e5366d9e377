"""Notebooks, through the CLI: cells analysed one by one (a cell that does not parse is one error
naming its cell, the others are still checked in order), SQL magics and Databricks notebooks,
`%run`, and IPython syntax that is not Python but hides nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Run, run_lacuna
from lacuna_cli.extract.magics import cell_language, python_line, sql_magic

EXPORT_LINE = 'customers.to_csv("~/Downloads/customers.csv")\n'


def notebook(*cells: str | list[str], metadata: dict | None = None) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata or {},
                       "cells": [{"cell_type": "code", "metadata": {}, "source": source,
                                  "outputs": [], "execution_count": None}
                                 for source in cells]})


def write(project: Path, relpath: str, text: str) -> None:
    path = project / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run_json(project: Path, command: str, *paths: str) -> tuple[Run, dict]:
    run = run_lacuna(command, *(paths or (".",)), "--format", "json", cwd=project)
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    assert run.code in (0, 1), f"exit {run.code}: {run.stderr}"
    return run, json.loads(run.stdout)


def places(document: dict, action: str) -> list[tuple[int | None, int]]:
    """(cell, line) of every operation of an action, in order."""
    operations = document.get("operations") or [f["operation"] for f in document["findings"]]
    return [(op["location"]["cell"], op["location"]["line"]) for op in operations
            if op["action"] == action]


def blocked(document: dict, path: str) -> list[tuple[int | None, int]]:
    return [(f["operation"]["location"]["cell"], f["operation"]["location"]["line"])
            for f in document["findings"]
            if f["operation"]["location"]["path"] == path and not f["decision"]["allowed"]]


# ---- IPython syntax as Python: what each line means ------------------------------------------


@pytest.mark.parametrize("line, python", [
    ("!pip install x", "pass"),
    ("    !ls", "    pass"),
    ("files = !ls data", "files = None"),
    ("a, b = %sx ls", "a, b = None"),
    ("pd.read_csv?", "pass"),
    ("??pd", "pass"),
    ("%matplotlib inline", "pass"),
    ("%time df = load()", "df = load()"),
    ("%timeit -n 10 -r 2 f(x)", "f(x)"),
    ("# a comment that asks why?", "# a comment that asks why?"),
    ("x = 1  # plain Python", "x = 1  # plain Python"),
    # `%store`: kept in IPython's database in the home folder, brought back by name
    ("%store df", "import _lacuna_ipython; _lacuna_ipython.store(df, "
                  "'~/.ipython/profile_default/db/autorestore/df')"),
    ("  %store -r a b", "  import _lacuna_ipython; "
                        "a = _lacuna_ipython.restore('~/.ipython/profile_default/db/autorestore/a')"
                        "; b = _lacuna_ipython.restore('~/.ipython/profile_default/db/autorestore/b')"),
    ("%store rows >> /tmp/rows.txt", "import _lacuna_ipython; "
                                     "_lacuna_ipython.store(rows, '/tmp/rows.txt')"),
    ("%store -d df", "pass"), ("%store", "pass"), ("%store -r", "pass"),
])
def test_ipython_lines(line: str, python: str) -> None:
    assert python_line(line) == python


@pytest.mark.parametrize("first, databricks, language", [
    ("%%time", False, "python"), ("%%capture out", False, "python"),
    ("%%sql", False, "sql"), ("%%sql result <<", False, "sql"), ("%%bigquery df", False, "sql"),
    ("%%bash", False, "shell"), ("%sh", True, "shell"), ("%%R", False, "code"),
    ("%scala", True, "code"), ("%%writefile x.txt", False, "other"),
    # a script the cell writes is code a later `!python job.py` runs
    ("%%writefile job.py", False, "python"), ("%%writefile -a jobs/run.sh", False, "shell"),
    ("%%file 'x.py'", False, "python"),
    ("%%frobnicate", False, "unknown"),
    ("%sql", False, "sql"),                      # alone on the first line: a Databricks cell
    ("%sql SELECT 1", False, "python"),          # a line magic in Jupyter...
    ("%sql SELECT 1", True, "sql"),              # ...the cell's language in Databricks
    ("%md", True, "other"), ("%python", True, "python"), ("%run ./other", True, "python"),
    ("x = 1", False, "python"),
])
def test_cell_language(first: str, databricks: bool, language: str) -> None:
    assert cell_language(first, databricks) == language


@pytest.mark.parametrize("line, cell, query, result", [
    ("%%sql result <<", True, "", "result"),
    ("%%sql postgresql://u@h/db", True, "", None),
    ("%sql SELECT * FROM t WHERE n = 'a b'", False, "SELECT * FROM t WHERE n = 'a b'", None),
    ("%sql r << SELECT email FROM crm.customers", False, "SELECT email FROM crm.customers", "r"),
    ("%sql sqlite:// r<<SELECT 1", False, "SELECT 1", "r"),
    ("%%bigquery df --project p", True, "", "df"),
    ("%%bigquery --project p --use_legacy_sql df", True, "", "df"),
    ("%%sql -o out -q", True, "", "out"),
])
def test_sql_magic_lines(line: str, cell: bool, query: str, result: str | None) -> None:
    magic = sql_magic(line, cell)
    assert (magic.query, magic.result) == (query, result)
    if query:
        assert line[magic.query_column:].startswith(query)


# ---- one bad cell never loses the notebook ----------------------------------------------------

BAD_CELLS = {
    "python2-print": ["print 'loading'\n"],
    "shell-escape-mid-expression": ["x = (1 +\n", "!echo\n", ")\n"],
    "unknown-cell-magic": ["%%frobnicate\n", "whatever this is\n"],
    "unbalanced-bracket": ["values = [1, 2\n"],
}


@pytest.mark.parametrize("case", BAD_CELLS, ids=list(BAD_CELLS))
def test_a_cell_that_does_not_parse_is_one_error_and_the_other_cells_are_checked(shop, case):
    write(shop, "notebooks/mixed.ipynb", notebook(
        "import pandas as pd\n",                                           # cell 1
        ['customers = pd.read_csv("data/customers.csv")\n'],               # cell 2
        BAD_CELLS[case],                                                   # cell 3
        ["summary = customers.groupby('region').size()\n", EXPORT_LINE],   # cell 4
    ))

    run, document = run_json(shop, "check")

    assert run.code == 1
    errors = [e for e in document["errors"] if e["path"] == "notebooks/mixed.ipynb"]
    assert len(errors) == 1, errors
    assert errors[0]["message"].startswith("cell 3: ")
    assert errors[0]["line"] is not None and errors[0]["line"] <= len(BAD_CELLS[case])
    # data flows from cell 2 across the bad cell into cell 4, whose export is still blocked
    assert blocked(document, "notebooks/mixed.ipynb") == [(4, 2)]
    assert blocked(document, "pipelines/customer_sales.py") == [(None, 5)]


def test_the_text_report_names_the_cell_of_the_bad_cell(shop):
    write(shop, "notebooks/mixed.ipynb", notebook("x = 1\n", "print 'hi'\n"))

    run = run_lacuna("check", "notebooks/mixed.ipynb", cwd=shop)

    assert run.code == 1
    (line,) = [text for text in run.stdout.splitlines()
               if text.startswith("notebooks/mixed.ipynb")]
    assert line.startswith("notebooks/mixed.ipynb:1: error cell 2: cannot parse Python: "
                           "Missing parentheses"), line
    assert "incomplete" in run.stdout


# ---- SQL in notebooks --------------------------------------------------------------------------

SQL_NOTEBOOKS = {
    # name: (cells, the SQL statement's (cell, line), the later export's (cell, line))
    "ipython-sql-cell-bound": ((["%%sql result <<\n", "SELECT email, phone\n",
                                 "FROM crm.customers\n"],
                                ["result.DataFrame().to_csv('~/Downloads/c.csv')\n"]),
                               (1, 2), (2, 1)),
    "jupysql-line-magic": ((["import pandas as pd\n",
                             "rows = %sql SELECT email FROM crm.customers\n",
                             "%sql frame << SELECT email, phone FROM crm.customers\n",
                             "frame.DataFrame().to_csv('~/Downloads/c.csv')\n"],),
                           (1, 3), (1, 4)),
    "ipython-sql-line-assigned": ((["churned = %sql SELECT email, phone FROM crm.customers\n",
                                    "df = churned.DataFrame()\n"],
                                   ["df.to_csv('~/Downloads/c.csv')\n"]),
                                  (1, 1), (2, 1)),
    "line-assigned-in-a-block": ((["for region in ['north']:\n",
                                   "    rows = %sql SELECT email FROM crm.customers\n",
                                   "    rows.DataFrame().to_csv('~/Downloads/c.csv')\n"],),
                                 (1, 2), (1, 3)),
    "bigquery-into-a-frame": ((["%%bigquery customers --project acme\n",
                                "SELECT email FROM `acme.crm.customers`\n"],
                               ["customers.to_csv('~/Downloads/c.csv')\n"]),
                              (1, 2), (2, 1)),
    "databricks-export": ((["%sql\n", "SELECT email, phone FROM crm.customers\n"],
                           ["_sqldf.toPandas().to_csv('/dbfs/tmp/c.csv')\n"]),
                          (1, 2), (2, 1)),
    "spark-sql-in-a-cell": ((["df = spark.sql('SELECT email FROM crm.customers')\n"],
                             ["df.toPandas().to_csv('~/Downloads/c.csv')\n"]),
                            (1, 1), (2, 1)),
}


@pytest.mark.parametrize("case", SQL_NOTEBOOKS, ids=list(SQL_NOTEBOOKS))
def test_notebook_sql_reaches_the_sql_extractor_and_flows_into_later_cells(shop, case):
    cells, query_at, export_at = SQL_NOTEBOOKS[case]
    write(shop, "notebooks/sql.ipynb", notebook(*cells))

    run, document = run_json(shop, "check", "notebooks/sql.ipynb")

    assert document["errors"] == [], document["errors"]
    queries = [f["operation"] for f in document["findings"] if f["operation"]["action"] == "query"]
    assert query_at in [(q["location"]["cell"], q["location"]["line"]) for q in queries]
    assert all(q["sources"][0]["name"] in ("crm.customers", "acme.crm.customers")
               for q in queries), queries
    assert all("_lacuna" not in q["code"] for q in queries), "reports show the SQL as written"
    assert blocked(document, "notebooks/sql.ipynb") == [export_at]
    assert run.code == 1


def test_sql_magics_run_on_the_database_their_connection_names(shop):
    """`%sql postgresql://…partner…` sets the database the magics after it talk to (ipython-sql,
    jupysql): a table a statement writes there, or a frame `--persist`ed, is that server's; a
    `:name` in a statement is the notebook's variable. Each was a write into our own tables,
    and the bound e-mail was PUBLIC."""
    write(shop, "notebooks/partner_sql.ipynb", notebook(
        "%sql postgresql://etl@db.partner.example.com/crm",
        "import pandas as pd\nleads = pd.read_csv('data/customers.csv')\nemail = leads.email[0]",
        "%sql INSERT INTO leads (email) VALUES (:email)",
        "%sql --persist leads",
        ["%%sql\n", "INSERT INTO contacts SELECT * FROM crm.customers\n"]))

    run, document = run_json(shop, "check", "notebooks/partner_sql.ipynb")

    written = {(f["operation"]["location"]["cell"], f["operation"]["destination"]["name"],
                f["decision"]["allowed"]) for f in document["findings"]
               if f["operation"]["action"] in ("write", "export")}
    assert written == {(3, "postgresql://db.partner.example.com/crm/leads", False),
                       (4, "postgresql://db.partner.example.com/crm/leads", False),
                       (5, "postgresql://db.partner.example.com/crm/contacts", False)}
    assert run.code == 1


def test_a_sql_statement_keeps_its_own_line_and_column_in_a_multi_statement_cell(shop):
    write(shop, "notebooks/two.ipynb", notebook([
        "%%sql\n",                                                   # 1
        "CREATE TABLE mart.a AS SELECT email FROM crm.customers;\n",  # 2
        "\n",                                                        # 3
        "  INSERT INTO mart.b\n",                                    # 4
        "  SELECT id FROM orders;\n",                                # 5
    ]))

    _, document = run_json(shop, "extract", "notebooks/two.ipynb")

    writes = [op for op in document["operations"] if op["action"] == "write"]
    assert [(op["location"]["cell"], op["location"]["line"], op["location"]["column"],
             op["destination"]["name"]) for op in writes] == [
        (1, 2, 1, "mart.a"), (1, 4, 3, "mart.b")]
    assert writes[1]["code"] == "INSERT INTO mart.b SELECT id FROM orders"


def test_a_sql_cell_that_does_not_parse_is_an_error_at_its_cell_and_line(shop):
    write(shop, "notebooks/badsql.ipynb", notebook(
        ["%%sql\n", "SELECT email FROM crm.customers;\n", "SELECT FROM WHERE (;\n"],
        "x = 1\n"))

    run, document = run_json(shop, "extract", "notebooks/badsql.ipynb")

    assert run.code == 1
    (error,) = document["errors"]
    assert error["line"] == 3 and "SQL" in error["message"], error
    # the statement Lacuna cannot read is a query of unknown rows (its dialect may run it)
    assert places(document, "query") == [(1, 2), (1, 3)]


DATABRICKS_SOURCE = """\
# Databricks notebook source
import pandas as pd

# COMMAND ----------

# MAGIC %md
# MAGIC # Customer extract (a markdown cell)

# COMMAND ----------

# MAGIC %sql
# MAGIC CREATE OR REPLACE TABLE mart.contacts AS
# MAGIC SELECT email, phone FROM crm.customers

# COMMAND ----------

contacts = spark.sql("SELECT email, phone FROM mart.contacts").toPandas()
contacts.to_csv("/dbfs/tmp/contacts.csv")

# COMMAND ----------

print "a Python 2 cell"

# COMMAND ----------

contacts.to_csv("~/Downloads/contacts.csv")
"""


def test_databricks_source_cells_magic_sql_and_file_lines(shop):
    write(shop, "databricks/extract.py", DATABRICKS_SOURCE)

    run, document = run_json(shop, "check", "databricks/extract.py")

    assert run.code == 1
    (error,) = document["errors"]
    assert error["line"] == 22 and "cannot parse Python" in error["message"], error
    writes = [f["operation"] for f in document["findings"] if f["operation"]["action"] == "write"]
    assert [(w["location"]["line"], w["location"]["column"], w["destination"]["name"])
            for w in writes] == [(12, 9, "mart.contacts")]
    assert writes[0]["code"].startswith("CREATE OR REPLACE TABLE mart.contacts AS SELECT")
    # the table the SQL cell wrote carries the customers' data into both exports
    assert blocked(document, "databricks/extract.py") == [(None, 18), (None, 26)]


def test_ipynb_exported_from_databricks_reads_percent_sql_cells(shop):
    write(shop, "notebooks/from_databricks.ipynb", notebook(
        ["%sql SELECT email, phone\n", "FROM crm.customers\n"],
        ["_sqldf.toPandas().to_csv('~/Downloads/c.csv')\n"],
        metadata={"application/vnd.databricks.v1+notebook": {"language": "python"}}))

    _, document = run_json(shop, "check", "notebooks/from_databricks.ipynb")

    assert document["errors"] == []
    assert blocked(document, "notebooks/from_databricks.ipynb") == [(2, 1)]


# ---- %run --------------------------------------------------------------------------------------


def test_run_brings_in_what_the_other_notebook_defines(shop):
    write(shop, "notebooks/setup.ipynb", notebook(
        "import pandas as pd\n", 'customers = pd.read_csv("data/customers.csv")\n'))
    write(shop, "notebooks/report.ipynb", notebook("%run ./setup.ipynb\n", EXPORT_LINE))
    write(shop, "notebooks/databricks_style.ipynb", notebook("%run ./setup\n", EXPORT_LINE))

    _, document = run_json(shop, "check", "notebooks")

    assert blocked(document, "notebooks/report.ipynb") == [(2, 1)]
    assert blocked(document, "notebooks/databricks_style.ipynb") == [(2, 1)]
    # the read belongs to setup.ipynb, reported there once, not again at every %run
    mine = ("notebooks/setup.ipynb", "notebooks/report.ipynb", "notebooks/databricks_style.ipynb")
    reads = [f["operation"]["location"]["path"] for f in document["findings"]
             if f["operation"]["action"] == "read" and f["operation"]["location"]["path"] in mine]
    assert reads == ["notebooks/setup.ipynb"]


def test_run_of_a_missing_notebook_is_an_error_naming_it(shop):
    write(shop, "notebooks/report.ipynb", notebook("%run ./nowhere\n", "x = 1\n"))

    run, document = run_json(shop, "extract", "notebooks/report.ipynb")

    assert run.code == 1
    (error,) = document["errors"]
    assert error["line"] == 1 and error["message"].startswith("cell 1: `%run ./nowhere`")


def test_run_outside_the_project_is_not_followed(shop, tmp_path):
    (tmp_path / "outside.py").write_text("x = 1\n", encoding="utf-8")
    write(shop, "notebooks/report.ipynb", notebook("%run ../../outside.py\n"))

    _, document = run_json(shop, "extract", "notebooks/report.ipynb")

    (error,) = document["errors"]
    assert "outside the project" in error["message"]


def test_a_change_to_a_run_notebook_is_seen_by_the_next_run(shop):
    write(shop, "notebooks/setup.ipynb", notebook("import pandas as pd\n",
                                                  'customers = pd.read_csv("x.csv")\n'))
    write(shop, "notebooks/report.ipynb", notebook("%run ./setup.ipynb\n", EXPORT_LINE))
    _, first = run_json(shop, "check", "notebooks")
    assert blocked(first, "notebooks/report.ipynb") == []

    write(shop, "notebooks/setup.ipynb", notebook(
        "import pandas as pd\n", 'customers = pd.read_csv("data/customers.csv")\n'))
    _, second = run_json(shop, "check", "notebooks")

    assert blocked(second, "notebooks/report.ipynb") == [(2, 1)]


# ---- shell lines that send a file --------------------------------------------------------------

SHELL_UPLOADS = {
    # shell line: where the file goes (None: the line sends nothing Lacuna names)
    "!curl -s -F file=@c.csv https://upload.partner.example/drop":
        "https://upload.partner.example/drop",
    "!curl -T c.csv ftp://ftp.partner.example/in/": "ftp://ftp.partner.example/in/",
    "!curl --data-binary @c.csv -H 'Content-Type: text/csv' https://api.partner.example/in":
        "https://api.partner.example/in",
    "!aws s3 cp c.csv s3://globex-drop/in/c.csv --acl bucket-owner-full-control":
        "s3://globex-drop/in/c.csv",
    "!gsutil -m cp c.csv gs://globex-drop/c.csv": "gs://globex-drop/c.csv",
    "!scp c.csv ops@files.partner.example:/drop/": "sftp://files.partner.example/drop/",
    "!aws s3 cp s3://acme-governed/c.csv c.csv": None,
    "!curl -s https://api.partner.example/status": None,
    # IPython fills `{path}` in from the notebook's variable before the shell runs
    "!curl -F file=@{path} https://upload.partner.example/drop":
        "https://upload.partner.example/drop",
}


@pytest.mark.parametrize("line", SHELL_UPLOADS, ids=range(len(SHELL_UPLOADS)))
def test_a_shell_line_that_uploads_a_file_sends_its_content(tmp_path: Path, line: str) -> None:
    """`!curl -F f=@c.csv URL`, `!aws s3 cp c.csv s3://...`: the file the command names goes
    where it says, reported at the shell line as written; other shell lines mean nothing."""
    write(tmp_path, "notebooks/c.csv", "customer_id,email,phone\n")
    write(tmp_path, "notebooks/share.ipynb", notebook("path = 'c.csv'\n", [line + "\n"]))
    write(tmp_path, "lacuna.toml", "embeddings = false\n")

    run, document = run_json(tmp_path, "check")

    sent = [f for f in document["findings"] if f["operation"]["location"]["cell"] == 2]
    destination = SHELL_UPLOADS[line]
    if destination is None:
        assert sent == [] and run.code == 0, sent
        return
    (finding,) = sent
    operation = finding["operation"]
    assert operation["destination"]["name"] == destination
    assert [s["name"] for s in operation["sources"]] == ["notebooks/c.csv"]
    assert operation["code"] == line and operation["location"]["column"] == 1
    assert finding["decision"]["allowed"] is False
    assert run.code == 1


SHELL_AND_SCALA = """\
# Databricks notebook source
import pandas as pd
pd.read_csv("data/customers.csv").to_csv("/dbfs/tmp/customers.csv")

# COMMAND ----------

# MAGIC %sh
# MAGIC gzip -k /dbfs/tmp/customers.csv
# MAGIC curl -T /dbfs/tmp/customers.csv https://upload.partner-bank.example.com/acme/

# COMMAND ----------

# MAGIC %scala
# MAGIC spark.table("crm.customers").write.csv("s3://partner-bank-inbox/scala/")
"""


def test_a_shell_cell_is_read_and_another_language_is_reported(shop):
    """A `%sh` (or `%%bash`) cell's commands are read like `!` lines: its upload of the
    customers is blocked; a `%scala` cell, which Lacuna does not read, is an error line at
    the cell, never skipped in silence (both were skipped)."""
    write(shop, "notebooks/ship.py", SHELL_AND_SCALA)
    run, document = run_json(shop, "check", "notebooks/ship.py")
    assert run.code == 1
    sent = [f for f in document["findings"] if f["operation"]["action"] == "export"
            and f["operation"]["destination"]["name"].startswith("https://upload.")]
    assert [f["decision"]["allowed"] for f in sent] == [False]
    assert [(e["line"], "scala" in e["message"]) for e in document["errors"]] == [(13, True)]


def test_scripts_and_stored_variables_carry_data_between_notebooks(tmp_path: Path) -> None:
    """A cell written to `job.py` and run with `!python job.py` is checked as the code it is;
    `%store customers` copies the frame into the home folder (personal data: blocked), and a
    notebook restoring it with `%store -r customers` sends the customers, not an unknown name;
    `%store -r` alone restores names no line spells: an error line, never a silent pass."""
    send = "requests.post('https://hooks.partner.example.com/in', json={}.to_dict('records'))\n"
    write(tmp_path, "lacuna.toml", "embeddings = false\n")
    write(tmp_path, "data/customers.csv", "email,full_name,region\na@b.example,A B,eu\n")
    write(tmp_path, "script.ipynb", notebook(
        "%%writefile upload_job.py\nimport pandas as pd\nimport requests\n\n"
        "users = pd.read_csv('data/customers.csv')\n" + send.format("users"),
        "!python upload_job.py\n"))
    write(tmp_path, "keep.ipynb", notebook(
        "import pandas as pd\ncustomers = pd.read_csv('data/customers.csv')\n%store customers\n"))
    write(tmp_path, "restore.ipynb", notebook(
        "%store -r customers\nimport requests\n" + send.format("customers")))
    write(tmp_path, "everything.ipynb", notebook("%store -r\nx = 1\n"))
    run, document = run_json(tmp_path, "check")
    assert run.code == 1
    assert blocked(document, "script.ipynb") == [(1, 6)]
    assert blocked(document, "keep.ipynb") == [(1, 3)]
    assert blocked(document, "restore.ipynb") == [(1, 3)]
    restored = next(f for f in document["findings"]
                    if f["operation"]["location"]["path"] == "restore.ipynb")
    assert restored["classification"]["tier"] == "PROPRIETARY"
    assert "PII" in restored["classification"]["tags"]
    errors = [e for e in document["errors"] if e["path"] == "everything.ipynb"]
    assert len(errors) == 1 and "%store -r" in errors[0]["message"], document["errors"]


def test_a_written_script_binds_nothing_in_the_notebook(tmp_path: Path) -> None:
    """The script a `%%writefile` cell writes runs in a process of its own: a name it binds is
    not the notebook's, so the notebook's customers stay customers after it; the script's own
    export is reported at its cell, line and column."""
    write(tmp_path, "lacuna.toml", "embeddings = false\n")
    write(tmp_path, "data/customers.csv", "email,full_name\na@b.example,A B\n")
    write(tmp_path, "nb.ipynb", notebook(
        "import pandas as pd\ndf = pd.read_csv('data/customers.csv')\n",
        "%%writefile job.py\nimport pandas as pd\ndf = pd.DataFrame({'n': [1]})\n"
        "df.to_csv('s3://public-bucket/n.csv')\n",
        "df.to_csv('s3://public-bucket/z.csv')\n"))
    run, document = run_json(tmp_path, "check")
    assert run.code == 1
    exports = {f["operation"]["destination"]["name"]: (
        f["operation"]["location"]["cell"], f["operation"]["location"]["line"],
        f["operation"]["location"]["column"], f["classification"]["tier"])
        for f in document["findings"] if f["operation"]["action"] == "export"}
    assert exports == {"s3://public-bucket/z.csv": (3, 1, 1, "PROPRIETARY"),
                       "s3://public-bucket/n.csv": (2, 4, 1, "PUBLIC")}


def test_a_name_no_earlier_cell_assigns_is_data_of_unknown_origin(tmp_path: Path) -> None:
    """What the session holds under a name no cell run before assigns — defined by a cell that
    does not parse (its imports too), by a cell further down run first, or the last output
    `_` — may be the customers: sent or written outside it is data of unknown origin
    (LAC-UNK-001), never PUBLIC and never no operation. An exception caught and a kernel's own
    names (`display`, `spark`) are not such names."""
    write(tmp_path, "lacuna.toml", "embeddings = false\n")
    write(tmp_path, "data/customers.csv", "customer_id,full_name,email\n")
    write(tmp_path, "nb/broken.ipynb", notebook(
        'import pandas as pd, requests\ncust = pd.read_csv("../data/customers.csv")\n'
        'print "loaded"\n',
        'requests.post("https://api.partner.example/in", json=cust.to_dict("records"))\n'))
    write(tmp_path, "nb/order.ipynb", notebook(
        'contacts.to_csv("/mnt/share/contacts.csv")\n',
        'import pandas as pd\ncontacts = pd.read_csv("../data/customers.csv")\n'))
    write(tmp_path, "nb/last.ipynb", notebook(
        'import pandas as pd\ncust = pd.read_csv("../data/customers.csv")\n',
        'cust[["full_name", "email"]]\n', '_.to_csv("/tmp/last_output.csv")\n'))
    write(tmp_path, "nb/fine.ipynb", notebook(
        'import logging\n\nimport pandas as pd\nlog = logging.getLogger("etl")\n'
        'try:\n    kpi = pd.read_csv("../data/kpi.csv")\nexcept FileNotFoundError as err:\n'
        '    log.warning("no kpi file: %s", err)\n', 'display(spark.range(3))\n'))
    run, document = run_json(tmp_path, "check")
    assert run.code == 1
    sent = {(f["operation"]["location"]["path"], f["operation"]["destination"]["name"]):
            (f["classification"]["tier"], f["decision"]["policy_id"])
            for f in document["findings"] if f["operation"]["action"] in ("write", "export")}
    assert sent == {  # (the exception and `spark` send nothing: no operation in nb/fine)
        ("nb/broken.ipynb", "requests.post()"): ("UNKNOWN", "LAC-UNK-001"),
        ("nb/order.ipynb", "/mnt/share/contacts.csv"): ("UNKNOWN", "LAC-UNK-001"),
        ("nb/last.ipynb", "/tmp/last_output.csv"): ("UNKNOWN", "LAC-UNK-001"),
    }


def test_a_shell_line_with_a_variable_names_its_file_as_written(tmp_path: Path) -> None:
    """`!psql "$CRM_URL" -c "\\copy (...) TO '../reports/d.csv'"`: the line is run with the
    session's values filled in, and its quotes as written — the rows go to `reports/d.csv`
    (governed: allowed), not to `/` (the quote's escape read as a path)."""
    write(tmp_path, "lacuna.toml", "embeddings = false\n")
    write(tmp_path, "nb/dump.ipynb", notebook(
        '!psql "$CRM_URL" -c "\\copy (SELECT email, phone FROM crm.customers) TO '
        '\'../reports/d.csv\' CSV HEADER"\n'))
    run, document = run_json(tmp_path, "check")
    assert run.code == 0, run.stdout
    written = [(f["operation"]["destination"]["name"], f["decision"]["allowed"])
               for f in document["findings"] if f["operation"]["action"] == "write"]
    assert written == [("reports/d.csv", True)]
