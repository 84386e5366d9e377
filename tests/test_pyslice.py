"""Slicing: only statements data can reach go to libcst, and nothing found changes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lacuna_cli.extract import extract_file
from lacuna_cli.extract import python as python_extractor
from lacuna_cli.extract.catalog import load_catalog
from lacuna_cli.extract.pyslice import relevant_source

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "python_corpus"

MODULE = '''import os
import pandas as pd

BASE = "data"
UNUSED = 42


class Report:
    """Nothing here touches data but `save`."""

    def title(self):
        return "x"

    def save(self, frame):
        frame.to_csv(os.path.join(BASE, "r.csv"))


class Unrelated:
    def run(self):
        return UNUSED


def helper(x):
    return x + 1


def load():
    return pd.read_csv(f"{BASE}/in.csv")


frame = load()
print(helper(2))
width = 3; total = frame.sum()
'''


def kept_lines(source: str) -> set[int]:
    sliced = relevant_source(source, ast.parse(source), load_catalog())
    assert sliced.count("\n") == source.count("\n")
    ast.parse(sliced)  # still valid Python
    original = source.splitlines()
    kept = set()
    for number, line in enumerate(sliced.splitlines(), start=1):
        assert line in ("", original[number - 1]), "a kept line must be unchanged"
        if line:
            kept.add(number)
    return kept


def line_of(text: str) -> int:
    return MODULE.splitlines().index(text) + 1


def test_statements_no_data_reaches_are_blanked_line_for_line() -> None:
    kept = kept_lines(MODULE)
    for text in ("import os", "import pandas as pd",  # imports: always
                 'BASE = "data"',  # needed by the kept `save` and `load`
                 "class Report:", "    def save(self, frame):",  # a write: a seed
                 "def load():",  # uses the data module
                 "frame = load()",  # data returned by `load`
                 "width = 3; total = frame.sum()"):  # data flows on; shares its line
        assert line_of(text) in kept, text
    for text in ("UNUSED = 42", "    def title(self):",
                 '    """Nothing here touches data but `save`."""', "class Unrelated:",
                 "    def run(self):", "def helper(x):", "print(helper(2))"):
        assert line_of(text) not in kept, text


def test_a_module_where_every_statement_matters_is_left_as_it_is() -> None:
    source = "import pandas as pd\ndf = pd.read_csv('a.csv')\ndf.to_csv('b.csv')\n"
    assert relevant_source(source, ast.parse(source), load_catalog()) is source


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".py", ".ipynb"))


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_sliced_and_whole_module_analyses_agree_on_the_labeled_corpus(path, monkeypatch):
    relpath = str(path.relative_to(CORPUS))
    sliced = extract_file(path, relpath, CORPUS, None)
    monkeypatch.setattr(python_extractor, "relevant_source", lambda source, *_: source)
    whole = extract_file(path, relpath, CORPUS, None)
    assert sliced.operations or path.parent.name == "negative", "the comparison must compare"
    assert sliced == whole
    assert sliced.data_nodes == whole.data_nodes


ALIASED = '''import io
import os
import pickle
from io import open as io_open


class Cache:
    def load(self, path):
        opener = io.open if os.path.exists(path) else open
        with opener(path, "r") as handle:
            return handle.read()

    def text(self, path):
        with io_open(path) as handle:
            return handle.read()


def restore(stream):
    return pickle.load(stream)
'''


def test_entry_points_called_under_another_name_are_kept(monkeypatch) -> None:
    """Seen on installed packages: an opener chosen at run time, `io.open` imported under
    another name, and `pickle.load` of a stream a caller passes."""
    context = python_extractor.PythonContext(root=Path("/project"))
    sliced = python_extractor.extract_python(ALIASED, "cache.py", context)
    monkeypatch.setattr(python_extractor, "relevant_source", lambda source, *_: source)
    whole = python_extractor.extract_python(ALIASED, "cache.py", context)
    assert sliced == whole
    assert [op.location.line for op in sliced.operations if op.action == "read"] == [10, 14, 19]


def test_a_class_the_module_uses_is_kept_whole() -> None:
    source = ("import pandas as pd\n\n\nclass Export:\n    def __init__(self, path):\n"
              "        self.path = path\n\n    def run(self):\n"
              "        pd.read_csv(self.path).to_csv('/tmp/x.csv')\n\n\n"
              "Export('data/customers.csv').run()\n")
    assert relevant_source(source, ast.parse(source), load_catalog()) == source


HANDED_TO_A_CLASS = '''import pandas as pd


class Reporter:
    def __init__(self, frame):
        self.frame = frame

    def show(self):
        print(self.frame.to_string())


customers = pd.read_csv("data/customers.csv")
Reporter(customers).show()
'''


def test_data_handed_to_a_class_keeps_the_class_whole(monkeypatch) -> None:
    """A frame given to a class of the file: its methods run with the frame, so a method
    that only prints it (no entry point in its text) is kept. The slice had blanked it, and
    the customers printed were found in the whole module only."""
    context = python_extractor.PythonContext(root=Path("/project"))
    sliced = python_extractor.extract_python(HANDED_TO_A_CLASS, "report.py", context)
    monkeypatch.setattr(python_extractor, "relevant_source", lambda source, *_: source)
    whole = python_extractor.extract_python(HANDED_TO_A_CLASS, "report.py", context)
    assert sliced == whole
    assert [(op.location.line, op.action) for op in sliced.operations
            if op.action == "export"] == [(9, "export")]


def test_only_the_helpers_that_touch_data_seed_the_slice(tmp_path: Path) -> None:
    """A project module imported everywhere holds one loader and a string helper: a statement
    calling the loader is kept, one calling only the string helper is blanked (counting the
    whole module sent every importer to libcst whole)."""
    from lacuna_cli.extract.project_calls import data_helpers

    (tmp_path / "utils.py").write_text(
        "import pandas as pd\n\n\ndef load_customers():\n    return pd.read_csv('c.csv')\n\n\n"
        "def slug(text):\n    return text.lower()\n")
    job = "import utils\n\nname = utils.slug('A B')\nrows = utils.load_customers()\n"
    tree = ast.parse(job)
    catalog = load_catalog(())
    helpers = data_helpers(tree, "job.py", tmp_path, catalog)
    assert helpers.attributes == {("utils", "load_customers")}
    assert helpers.modules == {"utils.py"}
    kept = relevant_source(job, tree, catalog, helpers).splitlines()
    assert kept == ["import utils", "", "", "rows = utils.load_customers()"]


LOGGED_PARAMETERS = '''import logging

import pandas as pd

log = logging.getLogger(__name__)


def dump(frame):
    print(frame.head())


class Reporter:
    def show(self, row):
        log.info("customer %s", row)

    def title(self):
        return "report"


def main():
    return pd.read_csv("data/customers.csv")
'''


def test_a_function_logging_its_parameter_is_kept_where_nothing_calls_it(monkeypatch) -> None:
    """Called from another file or a notebook, `dump(customers)` prints the customers: the
    log is reported at the function, sliced or not."""
    context = python_extractor.PythonContext(root=Path("/project"))
    sliced = python_extractor.extract_python(LOGGED_PARAMETERS, "report.py", context)
    monkeypatch.setattr(python_extractor, "relevant_source", lambda source, *_: source)
    whole = python_extractor.extract_python(LOGGED_PARAMETERS, "report.py", context)
    assert sliced == whole
    assert [(op.location.line, op.code.split("(")[0]) for op in sliced.operations
            if op.action != "read"] == [(9, "print"), (14, "log.info")]


@pytest.mark.parametrize("defined", [
    "if sys.version_info >= (3, 8):\n    def dump(frame):\n        print(frame.head())\n",
    ("try:\n    import rich\nexcept ImportError:\n    def dump(frame):\n"
     "        print(frame.head())\n"),
    ("class Outer:\n    class Inner:\n        def dump(self, frame):\n"
     "            print(frame.head())\n"),
], ids=["under-if", "under-try", "nested-class"])
def test_a_logging_function_defined_inside_a_block_is_kept_too(defined, monkeypatch) -> None:
    source = ("import sys\nimport pandas as pd\n\n" + defined +
              "\n\ndef main():\n    return pd.read_csv('data/customers.csv')\n")
    context = python_extractor.PythonContext(root=Path("/project"))
    sliced = python_extractor.extract_python(source, "report.py", context)
    monkeypatch.setattr(python_extractor, "relevant_source", lambda source, *_: source)
    whole = python_extractor.extract_python(source, "report.py", context)
    assert sliced == whole
    assert [op.code for op in sliced.operations if op.action != "read"] == \
        ["print(frame.head())"]
