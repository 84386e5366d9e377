"""Which functions of other project files are worth summarising for a caller."""

from __future__ import annotations

from pathlib import Path

from conftest import write_files

from lacuna_cli.extract.catalog import load_catalog
from lacuna_cli.extract.project_calls import may_tell_data

UTILS = '''\
import pandas as pd


def load_customers():
    return _read("customers")


def _read(name):
    return pd.read_csv(f"data/{name}.csv")


def clean(frame):
    return frame.dropna()


def slug(text):
    return "x"


class Report:
    def save(self, frame):
        frame.to_csv("out.csv")


class Failure(Exception):
    pass
'''


def test_only_functions_that_touch_or_hand_back_data_are_summarised(tmp_path: Path) -> None:
    """A summary costs a parse and a run of the whole module: `slug("A")` and an exception
    tell nothing; a loader (through a private reader), a class that writes, and a function
    handing back the frame it is given (when given one) do."""
    root = write_files(tmp_path, {"etl/utils.py": UTILS})
    catalog = load_catalog(())

    def asks(qualname: str, data_given: bool) -> bool:
        return may_tell_data(qualname, "jobs/nightly.py", root, catalog, data_given)

    assert asks("etl.utils.load_customers", data_given=False)
    assert asks("etl.utils.Report.save", data_given=True)
    assert asks("etl.utils.clean", data_given=True)
    assert not asks("etl.utils.clean", data_given=False)
    assert not asks("etl.utils.slug", data_given=True)
    assert not asks("etl.utils.Failure", data_given=True)
    assert not asks("etl.missing.load", data_given=True)  # not a project file
