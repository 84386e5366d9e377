"""Bad input, through the real CLI: one clear error line and a defined exit code, never a
traceback, and no data lost. A file that cannot be parsed is reported (file, line, what is
wrong) and the rest of the run goes on.

Exit codes: 0 clean, 1 violations (files that could not be analysed count as problems),
2 usage or tool error.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Run, run_lacuna

BLOCKED_FILE = "pipelines/customer_sales.py"
BLOCKED_LINE = 5


# ---- helpers ---------------------------------------------------------------------------------


def no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert "Traceback" not in run.stdout, run.stdout


def one_line(stderr: str) -> str:
    """The whole of stderr is exactly one non-empty line; return it."""
    text = stderr.strip()
    assert text, "expected an error message on stderr, got nothing"
    assert "\n" not in text, f"expected one line on stderr, got:\n{stderr}"
    return text


def check_json(project: Path, *args: str) -> tuple[Run, dict]:
    run = run_lacuna("check", ".", "--format", "json", *args, cwd=project)
    no_traceback(run)
    assert run.code in (0, 1), f"exit {run.code}\nstderr: {run.stderr}"
    return run, json.loads(run.stdout)


def extract_json(project: Path, *paths: str) -> tuple[Run, dict]:
    run = run_lacuna("extract", *paths, "--format", "json", cwd=project)
    no_traceback(run)
    assert run.code in (0, 1), f"exit {run.code}\nstderr: {run.stderr}"
    return run, json.loads(run.stdout)


def blocked_export(document: dict) -> dict:
    """The scenario's finding: the export of customer data to ~/Downloads is blocked."""
    found = [f for f in document["findings"]
             if f["operation"]["location"]["path"] == BLOCKED_FILE
             and f["operation"]["location"]["line"] == BLOCKED_LINE]
    assert len(found) == 1, f"blocked export missing from findings: {document['findings']}"
    finding = found[0]
    assert finding["operation"]["action"] == "export"
    assert finding["decision"]["allowed"] is False
    return finding


def errors_for(document: dict, relpath: str) -> list[dict]:
    return [e for e in document["errors"] if e["path"] == relpath]


def add_config(project: Path, lines: str) -> None:
    """Append keys to the shop's [tool.lacuna] table (the last table of its pyproject.toml)."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").rstrip("\n") + "\n" + lines
                         + "\n", encoding="utf-8")


def audit_records(project: Path) -> list[dict]:
    run = run_lacuna("audit", "log", "--format", "json", cwd=project)
    no_traceback(run)
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)["records"]


def audit_verify(project: Path) -> dict:
    run = run_lacuna("audit", "verify", "--format", "json", cwd=project)
    no_traceback(run)
    assert run.code == 0, f"audit verify exit {run.code}\n{run.stdout}\n{run.stderr}"
    return json.loads(run.stdout)


def python_error_line(source: str) -> int:
    """Where CPython itself places the syntax error: the line a user expects to be told."""
    try:
        compile(source, "broken.py", "exec")
    except SyntaxError as exc:
        return exc.lineno
    raise AssertionError("the sample is meant to be invalid Python")


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source,
             **({"execution_count": None, "outputs": []} if kind == "code" else {})}
            for kind, source in cells
        ],
    }, indent=1)


# ---- Python files that cannot be parsed ------------------------------------------------------

SYNTAX_ERRORS = {
    # line 4 is the bad one in every sample
    "bad-def": 'import pandas as pd\n\nx = pd.read_csv("data/regions.csv")\ndef f(:\n'
               "    pass\n",
    "double-equals": 'import pandas as pd\n\nx = pd.read_csv("data/regions.csv")\ny = = 2\n'
                     "z = 3\n",
    "unmatched-paren": 'import pandas as pd\n\nx = pd.read_csv("data/regions.csv")\ny = 1)\n'
                       "z = 3\n",
}


@pytest.mark.parametrize("sample", SYNTAX_ERRORS, ids=list(SYNTAX_ERRORS))
def test_python_syntax_error_is_one_error_with_its_line_and_the_run_goes_on(shop, sample):
    source = SYNTAX_ERRORS[sample]
    (shop / "pipelines" / "broken.py").write_text(source, encoding="utf-8")

    run, document = check_json(shop)

    assert run.code == 1
    blocked_export(document)
    errors = errors_for(document, "pipelines/broken.py")
    assert len(errors) == 1, document["errors"]
    assert errors[0]["line"] == python_error_line(source) == 4, errors[0]
    assert errors[0]["message"].strip()
    assert "\n" not in errors[0]["message"]
    assert document["summary"]["errors"] == len(document["errors"]) == 1


def test_python_syntax_error_text_format_prints_one_line_for_it(shop):
    source = SYNTAX_ERRORS["bad-def"]
    (shop / "pipelines" / "broken.py").write_text(source, encoding="utf-8")

    run = run_lacuna("check", ".", cwd=shop)

    no_traceback(run)
    assert run.code == 1
    mentions = [line for line in run.stdout.splitlines() if "pipelines/broken.py" in line]
    assert len(mentions) == 1, run.stdout
    assert re.match(r"^pipelines/broken\.py:\d+: error \S", mentions[0]), mentions[0]
    assert mentions[0].startswith(f"pipelines/broken.py:{python_error_line(source)}: error ")
    assert "BLOCKED" in run.stdout and "customer_sales.py" in run.stdout


# ---- SQL -------------------------------------------------------------------------------------


def test_sql_bad_statement_between_good_ones(shop):
    (shop / "sql" / "mixed.sql").write_text(
        "-- three statements, the middle one is broken\n"      # 1
        "CREATE TABLE mart.a AS SELECT id, email FROM customers;\n"  # 2
        "\n"                                                   # 3
        "SELECT FROM WHERE (;\n"                               # 4
        "\n"                                                   # 5
        "INSERT INTO mart.b SELECT id FROM orders;\n",         # 6
        encoding="utf-8")

    run, document = extract_json(shop, "sql/mixed.sql")

    assert run.code == 1
    operations = {op["location"]["line"]: op for op in document["operations"]}
    assert sorted(operations) == [2, 6], document["operations"]
    assert operations[2]["destination"]["name"] == "mart.a"
    assert [s["name"] for s in operations[2]["sources"]] == ["customers"]
    assert operations[6]["destination"]["name"] == "mart.b"
    assert [s["name"] for s in operations[6]["sources"]] == ["orders"]
    assert len(document["errors"]) == 1, document["errors"]
    error = document["errors"][0]
    assert error["path"] == "sql/mixed.sql"
    assert error["line"] == 4
    assert error["message"].strip() and "\n" not in error["message"]


def test_sql_unterminated_string_keeps_earlier_statements_and_names_its_line(shop):
    """An unterminated quote swallows the rest of the script, but the statement before it is
    complete and must still be extracted, and the error must point at the bad statement."""
    (shop / "sql" / "quote.sql").write_text(
        "CREATE TABLE mart.c AS SELECT id, email FROM customers;\n"  # 1
        "\n"                                                         # 2
        "SELECT * FROM orders WHERE note = 'unterminated;\n"         # 3
        "SELECT id FROM regions;\n",                                 # 4
        encoding="utf-8")

    run, document = extract_json(shop, "sql/quote.sql")

    assert run.code == 1
    assert len(document["errors"]) == 1, document["errors"]
    assert document["errors"][0]["line"] == 3, document["errors"]
    assert [op["location"]["line"] for op in document["operations"]][:1] == [1], \
        document["operations"]


# ---- notebooks -------------------------------------------------------------------------------


def test_notebook_that_is_not_json_is_one_error_and_the_run_goes_on(shop):
    (shop / "notebooks" / "broken.ipynb").write_text(
        '{\n'                                  # 1
        ' "cells": [\n'                        # 2
        '  {\n'                                # 3
        '   "cell_type": "code",\n'            # 4
        '   "source": ["x = 1"],\n'            # 5
        '   "metadata": {},,\n'                # 6  <- two commas
        '   "outputs": []\n'                   # 7
        '  }\n'
        ' ]\n'
        '}\n', encoding="utf-8")

    run, document = check_json(shop)

    assert run.code == 1
    blocked_export(document)
    errors = errors_for(document, "notebooks/broken.ipynb")
    assert len(errors) == 1, document["errors"]
    assert errors[0]["line"] == 6
    assert errors[0]["message"].strip() and "\n" not in errors[0]["message"]
    # the shipped notebook beside it is still analysed
    assert any(f["operation"]["location"]["path"] == "notebooks/regional_revenue.ipynb"
               for f in document["findings"])


def test_notebook_magics_are_not_errors_and_operations_keep_their_cell(shop):
    (shop / "notebooks" / "magics.ipynb").write_text(notebook(
        ("markdown", ["# Customers\n", "Some prose: %not a magic\n"]),         # cell 1
        ("code", ["!pip install x\n", "import pandas as pd\n"]),              # cell 2
        ("code", ["%%bash\n", "echo hi > out.txt\n", "ls -la | grep (\n"]),   # cell 3
        ("code", ["%timeit sum(range(10))\n",
                  'customers = pd.read_csv("data/customers.csv")\n']),        # cell 4
        ("code", ["%matplotlib inline\n", "\n",
                  'customers.to_csv("reports/customers_copy.csv")\n']),       # cell 5
    ), encoding="utf-8")

    run, document = extract_json(shop, "notebooks/magics.ipynb")

    assert document["errors"] == [], document["errors"]
    assert run.code == 0
    reads = [op for op in document["operations"] if op["action"] == "read"]
    writes = [op for op in document["operations"] if op["action"] in ("write", "export")]
    assert len(reads) == 1 and len(writes) == 1, document["operations"]
    assert reads[0]["sources"][0]["name"] == "data/customers.csv"
    assert reads[0]["location"]["cell"] == 4
    assert reads[0]["location"]["line"] == 2
    assert writes[0]["destination"]["name"] == "reports/customers_copy.csv"
    assert writes[0]["location"]["cell"] == 5
    assert writes[0]["location"]["line"] == 3
    assert all(op["location"]["path"] == "notebooks/magics.ipynb"
               for op in document["operations"])


MORE_IPYTHON = {
    # Everyday IPython syntax that is not Python; none of it may make the notebook unreadable.
    "shell-assignment": ["files = !ls data\n",
                         'customers = pd.read_csv("data/customers.csv")\n'],
    "help-suffix": ["pd.read_csv?\n", 'customers = pd.read_csv("data/customers.csv")\n'],
    "indented-shell": ["if True:\n", "    !echo hi\n",
                       'customers = pd.read_csv("data/customers.csv")\n'],
    # A line magic that times a statement still runs it: the read must not vanish.
    "time-line-magic": ['%time customers = pd.read_csv("data/customers.csv")\n'],
    # %%time runs its body as Python (unlike %%bash): the read must not vanish.
    "time-cell-magic": ["%%time\n", 'customers = pd.read_csv("data/customers.csv")\n'],
}


@pytest.mark.parametrize("case", MORE_IPYTHON, ids=list(MORE_IPYTHON))
def test_notebook_other_ipython_syntax_is_not_an_error_and_hides_no_operation(shop, case):
    (shop / "notebooks" / "ipy.ipynb").write_text(notebook(
        ("code", ["import pandas as pd\n"]),    # cell 1
        ("code", MORE_IPYTHON[case]),           # cell 2
    ), encoding="utf-8")

    run, document = extract_json(shop, "notebooks/ipy.ipynb")

    assert document["errors"] == [], document["errors"]
    assert run.code == 0
    reads = [op for op in document["operations"] if op["action"] == "read"]
    assert [(op["sources"][0]["name"], op["location"]["cell"]) for op in reads] == [
        ("data/customers.csv", 2)], document["operations"]


# ---- files that are not text, empty, or pathological ------------------------------------------


def _deep(opening: str, closing: str, depth: int = 2000) -> str:
    return ('import pandas as pd\n'
            f'x = {opening * depth}1{closing * depth}\n'
            'y = pd.read_csv("data/regions.csv")\n')


ODD_FILES = {
    # name: (content, expected number of errors for the file)
    "latin1-no-cookie": ('import pandas as pd\n\n# caf\xe9 cr\xe8me\n'
                         'x = pd.read_csv("data/regions.csv")\n').encode("latin-1"),
    "binary": b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\xff\xfe",
    "empty": b"",
    "nested-parens": _deep("(", ")").encode(),
    "nested-lists": _deep("[", "]").encode(),
    "nested-calls": _deep("f(", ")").encode(),
    # CPython accepts it, libcst's parser recurses too deeply: one error line.
    "long-operator-chain": ('import pandas as pd\nx = pd.read_csv("data/regions.csv").a + '
                            + " + ".join(["1"] * 2000) + '\n').encode(),
    # The same chain in a statement no data reaches is never handed to libcst: no error.
    "long-chain-beside-data": ('import pandas as pd\nx = ' + " + ".join(["1"] * 2000)
                               + '\ny = pd.read_csv("data/regions.csv")\n').encode(),
    # Valid Python without any data operation: CPython accepts it, the prefilter skips it.
    "long-chain-no-data": ('x = ' + " + ".join(["1"] * 2000) + "\n").encode(),
}
EXPECTED_ERRORS = {"empty": 0, "long-chain-no-data": 0, "long-chain-beside-data": 0}


@pytest.mark.parametrize("case", ODD_FILES, ids=list(ODD_FILES))
def test_odd_python_file_is_at_most_one_error_and_the_run_goes_on(shop, case):
    (shop / "pipelines" / "odd.py").write_bytes(ODD_FILES[case])

    run = run_lacuna("check", ".", "--format", "json", cwd=shop)

    no_traceback(run)
    assert run.code == 1, (f"exit {run.code} (negative = killed by a signal)\n"
                           f"stderr: {run.stderr[-500:]}")
    document = json.loads(run.stdout)
    blocked_export(document)
    errors = errors_for(document, "pipelines/odd.py")
    assert len(errors) == EXPECTED_ERRORS.get(case, 1), document["errors"]
    for error in errors:
        assert error["message"].strip() and "\n" not in error["message"]
        if case == "latin1-no-cookie":
            assert error["line"] in (None, 3), error  # the first non-UTF-8 byte is on line 3
    assert document["summary"]["errors"] == len(document["errors"]) == len(errors)


# ---- a file is analysed as far as it parses ----------------------------------------------------

PARTIAL = {
    # name: (source, the line CPython blames, lines skipped in the message)
    "python2-print": (('import pandas as pd\n'                                  # 1
                       'customers = pd.read_csv("data/customers.csv")\n'       # 2
                       'print "exporting"\n'                                   # 3
                       'customers.to_csv("~/Downloads/all.csv")\n'),           # 4
                      3, "line 3"),
    "bad-line-inside-a-function": (('import pandas as pd\n'                    # 1
                                    'def export():\n'                          # 2
                                    '    customers = pd.read_csv("data/customers.csv")\n'
                                    '    print "exporting"\n'                  # 4
                                    '    customers.to_csv("~/Downloads/all.csv")\n'
                                    'export()\n'),
                                   4, "line 4"),
    "broken-statement-between-good-ones": (('import pandas as pd\n'            # 1
                                            'customers = pd.read_csv("data/customers.csv")\n'
                                            'totals = compute(\n'              # 3
                                            '    customers customers,\n'       # 4
                                            ')\n'                              # 5
                                            'customers.to_csv("~/Downloads/all.csv")\n'),
                                           4, "lines 3-5"),
}


@pytest.mark.parametrize("case", PARTIAL, ids=list(PARTIAL))
def test_python_file_with_a_syntax_error_is_analysed_as_far_as_it_parses(shop, case):
    source, line, skipped = PARTIAL[case]
    (shop / "pipelines" / "partial.py").write_text(source, encoding="utf-8")

    run, document = check_json(shop)

    assert run.code == 1, "a partially analysed file never passes"
    (error,) = errors_for(document, "pipelines/partial.py")
    assert error["line"] == python_error_line(source) == line
    assert error["message"].endswith(f"; {skipped} not analysed, the rest was"), error
    exports = [f for f in document["findings"]
               if f["operation"]["location"]["path"] == "pipelines/partial.py"
               and f["operation"]["action"] == "export"]
    assert len(exports) == 1 and exports[0]["decision"]["allowed"] is False, exports
    blocked_export(document)


def test_a_python_2_file_is_reported_and_exclude_leaves_it_out(shop):
    (shop / "legacy").mkdir()
    (shop / "legacy" / "old.py").write_text('print "hello"\nprint "bye"\n', encoding="utf-8")
    run, document = check_json(shop)
    assert run.code == 1 and len(errors_for(document, "legacy/old.py")) == 1

    add_config(shop, 'exclude = ["legacy/*"]')
    run, document = check_json(shop)

    assert errors_for(document, "legacy/old.py") == []
    blocked_export(document)


# ---- inputs that used to crash or hang the run ----------------------------------------------

BROKEN_NOTEBOOKS = {
    # name: (notebook JSON, the one error's message starts with)
    "source-holds-numbers": ('{"cells": [{"cell_type": "code", "source": [1, 2]}]}',
                             "cell 1: the cell's `source` is not text"),
    "source-is-an-object": ('{"cells": [{"cell_type": "code", "source": {"a": 1}}]}',
                            "cell 1: the cell's `source` is not text"),
    "cell-is-a-string": ('{"cells": ["import os"]}', "cell 1: the cell is not a JSON object"),
    "cells-is-an-object": ('{"cells": {"cell_type": "code"}}', "not a valid notebook: `cells`"),
    "cells-is-null": ('{"cells": null}', "not a valid notebook: `cells`"),
    "top-level-is-a-list": ('[{"cells": []}]', "not a valid notebook: the top level"),
    "deep-json": ('{"cells": ' + "[" * 50_000 + "]" * 50_000 + "}",
                  "not a valid notebook: JSON nested too deeply"),
    "huge-number": ('{"cells": [], "x": ' + "9" * 5000 + "}", "not a valid notebook: "),
}


@pytest.mark.parametrize("case", BROKEN_NOTEBOOKS, ids=list(BROKEN_NOTEBOOKS))
def test_a_notebook_of_any_shape_is_one_error_and_the_run_goes_on(shop, case):
    text, message = BROKEN_NOTEBOOKS[case]
    (shop / "notebooks" / "odd.ipynb").write_text(text, encoding="utf-8")

    run, document = check_json(shop)

    assert run.code == 1
    (error,) = errors_for(document, "notebooks/odd.ipynb")
    assert error["message"].startswith(message), error
    blocked_export(document)
    assert any(f["operation"]["location"]["path"] == "notebooks/regional_revenue.ipynb"
               for f in document["findings"])


def test_a_fifo_named_py_is_one_error_and_does_not_block_the_run(shop):
    os.mkfifo(shop / "pipelines" / "pipe.py")

    run = run_lacuna("check", ".", "--format", "json", cwd=shop, timeout=60)

    no_traceback(run)
    assert run.code == 1
    document = json.loads(run.stdout)
    (error,) = errors_for(document, "pipelines/pipe.py")
    assert error["message"] == "not a regular file (a named pipe), not analysed"
    blocked_export(document)


def test_a_link_to_a_device_is_never_read(shop):
    (shop / "pipelines" / "zero.py").symlink_to("/dev/zero")

    run = run_lacuna("check", ".", "--format", "json", cwd=shop, timeout=60)

    no_traceback(run)
    assert run.code == 1
    document = json.loads(run.stdout)
    (error,) = errors_for(document, "pipelines/zero.py")
    assert error["message"] == "not a regular file (a device), not analysed"
    blocked_export(document)


def test_links_that_loop_are_errors_naming_them(shop):
    (shop / "pipelines" / "a.py").symlink_to("b.py")
    (shop / "pipelines" / "b.py").symlink_to("a.py")

    run, document = check_json(shop)

    assert run.code == 1
    assert [e["path"] for e in document["errors"]] == ["pipelines/a.py", "pipelines/b.py"]
    blocked_export(document)


def test_exclude_that_leaves_nothing_to_check_is_exit_2(shop):
    add_config(shop, 'exclude = ["*"]')

    run = run_lacuna("check", ".", cwd=shop)

    no_traceback(run)
    assert run.code == 2
    line = one_line(run.stderr)
    assert "`exclude`" in line and "nothing was analysed" in line
    assert run.stdout == ""


# ---- one error handler for every extractor ----------------------------------------------------

FAILING_SQL_EXTRACTOR = """
import sys
import lacuna_cli.extract.sql as sql

def broken(*args, **kwargs):
    raise RuntimeError("boom")

sql.extract_sql = broken
from lacuna_cli.cli import main
sys.argv = ["lacuna", "check", ".", "--format", "json"]
main()
"""


@pytest.mark.parametrize("debug", [False, True])
def test_whatever_an_extractor_raises_is_one_error_per_file(shop, debug):
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("LACUNA_DEBUG", "CI")}
    if debug:
        environment["LACUNA_DEBUG"] = "1"
    completed = subprocess.run([sys.executable, "-c", FAILING_SQL_EXTRACTOR], cwd=shop,
                               capture_output=True, text=True, env=environment, timeout=120)

    assert completed.returncode == 1, completed.stderr
    document = json.loads(completed.stdout)
    sql_files = sorted(str(p.relative_to(shop)) for p in (shop / "sql").glob("*.sql"))
    assert sorted(e["path"] for e in document["errors"]) == sql_files
    for error in document["errors"]:
        assert error["message"].startswith("internal error while analysing (RuntimeError: "
                                           "boom); please report it")
    blocked_export(document)
    assert ("Traceback" in completed.stderr) is debug
    assert completed.stderr.count("RuntimeError: boom") == (len(sql_files) if debug else 0)


# ---- usage errors ----------------------------------------------------------------------------


def test_missing_path_is_exit_2_and_one_line(shop):
    run = run_lacuna("check", "does/not/exist", cwd=shop)

    no_traceback(run)
    assert run.code == 2
    line = one_line(run.stderr)
    assert "does/not/exist" in line
    assert run.stdout == ""
    assert not (shop / ".lacuna").exists(), "a usage error must not create or touch the database"


def test_unknown_format_is_exit_2(shop):
    run = run_lacuna("check", ".", "--format", "xml", cwd=shop)

    no_traceback(run)
    assert run.code == 2
    assert "xml" in run.stderr and "--format" in run.stderr
    assert run.stdout == ""


@pytest.mark.parametrize("command", ["check", "extract"])
def test_unknown_dialect_is_exit_2_and_one_line(shop, command):
    run = run_lacuna(command, ".", "--dialect", "nosuchdialect", cwd=shop)

    no_traceback(run)
    assert run.code == 2
    assert "nosuchdialect" in one_line(run.stderr)
    assert run.stdout == ""


# ---- bad rules and config --------------------------------------------------------------------


def test_rules_file_with_invalid_yaml_is_exit_2_naming_the_file(shop):
    add_config(shop, 'rules = ["my_rules.yaml"]')
    (shop / "my_rules.yaml").write_text(
        "version: 1\nkind: columns\nrules:\n  - id: broken\n    words: [a, b\n"
        "    tier: PUBLIC\n", encoding="utf-8")

    run = run_lacuna("check", ".", cwd=shop)

    no_traceback(run)
    assert run.code == 2
    line = one_line(run.stderr)
    assert "my_rules.yaml" in line
    assert "yaml" in line.lower()
    assert run.stdout == ""


def test_rules_file_with_unknown_tier_is_exit_2_naming_file_and_key(shop):
    add_config(shop, 'rules = ["my_rules.yaml"]')
    (shop / "my_rules.yaml").write_text(
        "version: 1\nkind: columns\nrules:\n"
        "  - id: secret-sauce\n    words: [secret_sauce]\n    tier: SECRET\n"
        "    confidence: 0.9\n    reasoning: a tier that does not exist\n", encoding="utf-8")

    run = run_lacuna("check", ".", cwd=shop)

    no_traceback(run)
    assert run.code == 2
    line = one_line(run.stderr)
    assert "my_rules.yaml" in line
    assert "rules.0.tier" in line
    assert run.stdout == ""


def test_unknown_config_key_is_exit_2_naming_the_key(shop):
    add_config(shop, 'colour = "blue"')

    run = run_lacuna("check", ".", cwd=shop)

    no_traceback(run)
    assert run.code == 2
    assert "colour" in one_line(run.stderr)
    assert run.stdout == ""


def test_invalid_toml_is_exit_2_and_one_line(shop):
    (shop / "pyproject.toml").write_text('[tool.lacuna\ndialect = "duckdb"\n', encoding="utf-8")

    run = run_lacuna("check", ".", cwd=shop)

    no_traceback(run)
    assert run.code == 2
    assert "pyproject.toml" in one_line(run.stderr)
    assert run.stdout == ""


# ---- policies fail closed --------------------------------------------------------------------


def test_rego_syntax_error_fails_closed_and_appends_nothing(shop):
    first = run_lacuna("check", ".", cwd=shop)
    no_traceback(first)
    assert first.code == 1, first.stderr
    before = audit_records(shop)
    assert before

    add_config(shop, 'policies = ["policies"]')
    (shop / "policies").mkdir()
    (shop / "policies" / "bad.rego").write_text(
        "package lacuna.rules.mine\n"    # 1
        "\n"                             # 2
        "import rego.v1\n"               # 3
        "\n"                             # 4
        "broken if {\n"                  # 5
        "    input.x == == 1\n"          # 6
        "}\n", encoding="utf-8")

    for output_format in ("text", "json"):
        run = run_lacuna("check", ".", "--format", output_format, cwd=shop)
        no_traceback(run)
        assert run.code == 2, (run.code, run.stdout[-500:])
        line = one_line(run.stderr)
        assert re.search(r"bad\.rego:6\b", line), line
        assert run.stdout == "", "no report may be printed when policies cannot be loaded"

    after = audit_records(shop)
    assert after == before, "a failed policy load must not append to the audit log"
    verified = audit_verify(shop)
    assert verified["ok"] is True and verified["records"] == len(before)


# ---- a locked database -----------------------------------------------------------------------


def test_locked_database_is_exit_2_and_loses_nothing(shop):
    first = run_lacuna("check", ".", cwd=shop)
    no_traceback(first)
    assert first.code == 1, first.stderr
    before = audit_records(shop)
    assert before

    lock_path = shop / ".lacuna" / "lacuna.duckdb.lock"
    with lock_path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            run = run_lacuna("check", ".", cwd=shop, env={"LACUNA_LOCK_TIMEOUT": "1"})
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

    no_traceback(run)
    assert run.code == 2
    assert "locked" in one_line(run.stderr).lower()
    assert run.stdout == ""

    again = run_lacuna("check", ".", cwd=shop, env={"LACUNA_LOCK_TIMEOUT": "1"})
    no_traceback(again)
    assert again.code == 1, again.stderr
    verified = audit_verify(shop)
    assert verified["ok"] is True and verified["problems"] == []
    after = audit_records(shop)
    assert after[: len(before)] == before, "earlier records must be intact"
    assert len(after) == 2 * len(before), "the locked run appended nothing; the next one did"
