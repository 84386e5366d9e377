"""A check of one file decides as a check of the whole project does, whichever file it names.

The graph merges what every file says of a shared table (its columns, in the order the files
were read). A one-file check read the named file first, so a table two files query got its
columns in another order than in a whole-project check, and the query's tags differed between
the pre-commit hook and CI. The graph is now built in one path order (`places.walk_order`)."""

from __future__ import annotations

from pathlib import Path

from lacuna_cli.config import load_config
from lacuna_cli.scan import check

from conftest import write_files

FILES = {
    "lacuna.toml": "embeddings = false\n",
    "crm/export.py": "import pandas as pd\nfrom sqlalchemy import text\n\n\ndef fetch(session):\n"
                     "    rows = session.execute(text('SELECT c.email FROM crm.customers c JOIN "
                     "crm.consents k ON k.customer_id = c.customer_id WHERE k.survey_opt_in'))\n"
                     "    return pd.DataFrame(rows.fetchall())\n",
    "jobs/c360.py": "def build(spark):\n"
                    "    consents = spark.sql('SELECT customer_id, marketing_opt_in FROM "
                    "crm.consents')\n"
                    "    consents.write.saveAsTable('analytics.c360')\n",
}


def labels(root: Path, *paths: str) -> list[tuple[int, str, str, tuple[str, ...]]]:
    result = check([root / p for p in paths] or [root], load_config(root, root), None)
    return sorted((f.operation.location.line, f.operation.action, f.classification.tier.value,
                   tuple(sorted(f.classification.tags)))
                  for f in result.findings if f.operation.location.path == "jobs/c360.py")


def test_a_one_file_check_labels_a_shared_table_as_the_whole_project_check_does(
        tmp_path: Path) -> None:
    root = write_files(tmp_path, FILES)
    whole = labels(root)
    assert [action for _, action, _, _ in whole] == ["query", "write"]
    assert labels(root, "jobs/c360.py") == whole
    assert labels(root, "crm/export.py", "jobs/c360.py") == whole
