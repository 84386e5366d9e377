"""The extract stage: one file in, one Extraction out — never stopping the run on bad input.

Every file goes through the same steps under one error handler (`failures.guarded`): a bounded
read of a regular file, decoding, the extractor for its language, its allow comments. Whatever
goes wrong on one file is one error line naming it; the run goes on with the others.
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

from lacuna_cli.extract.allow_comments import find_allows
from lacuna_cli.extract.failures import failed, guarded
from lacuna_cli.extract.places import language_of
from lacuna_cli.extract.source import SourceProblem, read_source
from lacuna_cli.models import Extraction

__all__ = ["extract_file"]


def extract_file(path: Path, relpath: str, root: Path, dialect: str | None,
                 apis: tuple[Path, ...] = ()) -> Extraction:
    """Read, decode and analyse one file; any problem becomes a one-line FileProblem."""
    language = language_of(path)
    if language is None:
        return failed(relpath, "unknown", "not a Python, notebook or SQL file")
    return guarded(relpath, language,
                   lambda: _extract(path, relpath, language, root, dialect, apis))


def _extract(path: Path, relpath: str, language: str, root: Path,
             dialect: str | None, apis: tuple[Path, ...]) -> Extraction:
    try:
        raw = read_source(path)
    except SourceProblem as problem:
        return failed(relpath, language, str(problem))
    if b"\0" in raw[:8192]:
        return failed(relpath, language, "binary file, not analysed")
    try:
        text = _decode(raw, language)
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        return failed(relpath, language, f"cannot decode text: {exc}")
    extraction = _analyse(text, path, relpath, language, root, dialect, apis)
    if language == "notebook":
        return extraction  # a notebook's allow comments are read per cell
    allows, allow_errors = find_allows(text, relpath)
    return extraction.model_copy(update={
        "allows": tuple(allows), "errors": (*extraction.errors, *allow_errors)})


def _analyse(text: str, path: Path, relpath: str, language: str, root: Path,
             dialect: str | None, apis: tuple[Path, ...]) -> Extraction:
    # Imported here: a run over SQL only never pays for libcst, and the reverse.
    if language == "sql":
        from lacuna_cli.extract.dbt import extract_dbt_model, project_of
        from lacuna_cli.extract.sql import extract_sql

        project = project_of(path, root)
        if project is not None:
            return extract_dbt_model(text, path, relpath, project, dialect)
        return extract_sql(text, relpath, dialect)
    from lacuna_cli.extract.python import PythonContext

    context = PythonContext(root=root, dialect=dialect, apis=apis)
    if language == "notebook":
        from lacuna_cli.extract.notebook import extract_notebook

        return extract_notebook(text, relpath, context)
    from lacuna_cli.extract.notebook_read import is_databricks_source

    if is_databricks_source(text):
        from lacuna_cli.extract.notebook import extract_databricks

        return extract_databricks(text, relpath, context)
    from lacuna_cli.extract.python import extract_python

    return extract_python(text, relpath, context)


def _decode(raw: bytes, language: str) -> str:
    """Python honours its PEP 263 coding cookie; notebooks and SQL are UTF-8."""
    if language == "python":
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        return raw.decode(encoding)
    return raw.decode("utf-8-sig")
