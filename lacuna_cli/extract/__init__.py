"""The extract stage: one file in, one Extraction out — never stopping the run on bad input."""

from __future__ import annotations

import io
import json
import tokenize
from pathlib import Path

from lacuna_cli.extract.allow_comments import find_allows
from lacuna_cli.extract.files import language_of
from lacuna_cli.models import Extraction, FileError

MAX_FILE_BYTES = 20 * 1024 * 1024


def extract_file(path: Path, relpath: str, root: Path, dialect: str | None,
                 apis: tuple[Path, ...] = ()) -> Extraction:
    """Read, decode and analyse one file; any problem becomes a one-line FileError."""
    language = language_of(path)
    if language is None:
        return _failed(relpath, "unknown", "not a Python, notebook or SQL file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return _failed(relpath, language, f"cannot read: {exc.strerror}")
    if len(raw) > MAX_FILE_BYTES:
        return _failed(relpath, language, f"larger than {MAX_FILE_BYTES // 2**20} MB, not analysed")
    if b"\0" in raw[:8192]:
        return _failed(relpath, language, "binary file, not analysed")
    try:
        text = _decode(raw, language)
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        return _failed(relpath, language, f"cannot decode text: {exc}")
    extraction = _analyse(text, path, relpath, language, root, dialect, apis)
    allows, allow_errors = _allows(text, relpath, language)
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
    from lacuna_cli.extract.python import extract_python

    return extract_python(text, relpath, context)


def _decode(raw: bytes, language: str) -> str:
    """Python honours its PEP 263 coding cookie; notebooks and SQL are UTF-8."""
    if language == "python":
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        return raw.decode(encoding)
    return raw.decode("utf-8-sig")


def _allows(text: str, relpath: str, language: str):
    if language != "notebook":
        return find_allows(text, relpath)
    allows, errors = [], []
    try:
        cells = json.loads(text).get("cells", [])
    except (json.JSONDecodeError, AttributeError):
        return allows, errors
    for number, cell in enumerate(cells, start=1):
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        found, problems = find_allows("".join(source) if isinstance(source, list) else str(source),
                                      relpath, cell=number)
        allows.extend(found)
        errors.extend(problems)
    return allows, errors


def _failed(relpath: str, language: str, message: str) -> Extraction:
    return Extraction(path=relpath, language=language,
                      errors=(FileError(path=relpath, message=message),))
