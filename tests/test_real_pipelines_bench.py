"""The real-pipelines bench's labels stay in step with its corpus (no detection rates here:
`bench/real_pipelines.py` prints those)."""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from conftest import REPO

CORPUS = REPO / "bench" / "pipelines"


def _bench():
    spec = importlib.util.spec_from_file_location("real_pipelines",
                                                  REPO / "bench" / "real_pipelines.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through it
    spec.loader.exec_module(module)
    return module


bench = _bench()
LABELS = bench.load_labels(CORPUS / "labels.yaml")


def test_every_analysed_file_of_the_corpus_is_labeled_and_every_label_names_a_file():
    files = bench.corpus_files(CORPUS)
    assert sorted(LABELS) == files


@pytest.mark.parametrize("path", sorted(LABELS))
def test_each_label_points_at_its_code(path):
    """Every labeled line exists (in its cell for notebooks) and holds the `at` fragment, so a
    label cannot silently drift when the file is edited."""
    for op in LABELS[path].operations:
        lines = bench.source_lines(CORPUS, path, op.cell)
        for line, fragment in zip(op.lines, op.at, strict=True):
            assert 1 <= line <= len(lines), f"{path}: line {line} beyond the end"
            assert fragment in lines[line - 1], f"{path}:{line}: {fragment!r} not on that line"


@pytest.mark.parametrize("path", [p for p in sorted(LABELS) if not p.endswith(".sql")])
def test_each_corpus_file_is_code_lacuna_can_read(path):
    """Python files parse; notebooks are nbformat 4 JSON whose code cells parse once magics and
    shell lines are set aside."""
    text = (CORPUS / path).read_text(encoding="utf-8")
    if path.endswith(".py"):
        ast.parse(text)
        return
    notebook = json.loads(text)
    assert notebook["nbformat"] == 4
    for index, cell in enumerate(notebook["cells"], 1):
        if cell["cell_type"] == "code":
            code = bench.cell_python(bench.source_lines(CORPUS, path, index))
            if code is not None:
                ast.parse(code)


def test_the_corpus_has_the_sinks_and_controls_the_issue_asks_for():
    ops = [op for label in LABELS.values() for op in label.operations]
    assert sum(op.block for op in ops) >= 30
    assert sum(label.control for label in LABELS.values()) >= 12
    assert {label.family for label in LABELS.values()} == set(bench.FAMILIES)
    for label in LABELS.values():
        if label.control:
            assert not any(op.block for op in label.operations), label.path


def test_a_malformed_label_is_one_error_naming_the_entry_and_key(tmp_path: Path):
    labels = tmp_path / "labels.yaml"
    labels.write_text("version: 1\nfiles:\n  a.py:\n    family: llm\n    operations:\n"
                      "      - {action: send, line: 3, at: x, resource: service:openai}\n")
    with pytest.raises(bench.LabelError) as raised:
        bench.load_labels(labels)
    assert str(raised.value) == ("labels.yaml: files.a.py.operations[0].action: expected one of "
                                 "read, query, write, export")
