"""Which names a caller asks about cannot be functions of their module (no libcst parse)."""

from __future__ import annotations

from pathlib import Path

from conftest import write_files

from lacuna_cli.extract.pybindings import module_bindings
from lacuna_cli.extract.pyimports import ProjectImports

HELPERS = '''\
import pandas as pd
from .other import send as forward
if pd:
    def load(name):
        return pd.read_csv(name)


class Reader:
    def read(self, path):
        return pd.read_csv(path)


class Renamed:
    pass


Renamed = load
Reader.fetch = load
for looped in ():
    pass
'''


def test_only_classes_and_unbound_names_are_ruled_out() -> None:
    bindings = module_bindings(HELPERS, ("helpers.py", "a"))
    assert bindings is not None
    assert not bindings.may_be_function("Reader")  # a class: never a summary
    assert not bindings.may_be_function("missing")
    assert not bindings.may_be_function("Reader.write")  # no such method in its body
    assert bindings.may_be_function("load")  # defined under an `if` at module level
    assert bindings.may_be_function("Reader.read")
    assert bindings.may_be_function("Reader.fetch")  # assigned on the class
    assert bindings.may_be_function("Renamed")  # a class rebound to a function
    assert bindings.may_be_function("forward")  # imported: followed to its own file
    assert bindings.may_be_function("looped")
    assert bindings.may_be_function("Renamed.read")  # Renamed is not only a class: asked
    starred = module_bindings("from .loaders import *\n", ("init.py", "b"))
    assert starred is not None and starred.may_be_function("load_customers")
    assert module_bindings("def broken(:\n", ("bad.py", "c")) is None  # asked as before


def test_a_class_is_answered_without_interpreting_its_module(tmp_path: Path) -> None:
    """Asking for a class or a missing name never runs the interpreter; a function does."""
    root = write_files(tmp_path, {"etl/helpers.py": HELPERS.replace("from .other import send"
                                                                     " as forward\n", "")})
    asked: list[str] = []

    def returns(source: str, relpath: str, name: str, constants: object) -> None:
        asked.append(name)

    imports = ProjectImports(root, lambda source, relpath: {}, returns)
    assert imports.returned("etl.helpers.Reader", "job.py") is None
    assert imports.returned("etl.helpers.nothing", "job.py") is None
    assert imports.returned("etl.helpers.Reader.write", "job.py", method=True) is None
    imports.returned("etl.helpers.load", "job.py")
    imports.returned("etl.helpers.Reader.read", "job.py", method=True)
    assert asked == ["load", "Reader.read"]
    assert set(imports.used) == {"etl/helpers.py"}  # still keys the importer's cached analysis
