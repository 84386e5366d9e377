"""Recall and precision of `lacuna check` on realistic data pipelines: operations, edges, denials.

The corpus is `bench/pipelines/` (files written for it in the styles data teams write, with the
schema of its labels documented at the top of `bench/pipelines/labels.yaml`). The bench copies it
to a temporary folder, runs `python -m lacuna_cli -C <copy> check <copy> --format json` there (so
the run's audit database lives and dies with the copy, never in the repository) and compares the
findings with the labels:

- operations: where data comes in (read, query: one per resource read) and goes out (write,
  export: one per destination), matched by direction, statement and resource;
- edges: source -> destination pairs of the "out" operations, per file;
- denials: recall over the must-block operations, precision over every denied finding;
- false alarms: denied findings in control files, which must pass.

It prints those per family and overall, and exits 0 whatever the figures are (2 when the labels are
malformed or `lacuna check` itself fails). Usage, from the repository root:

    PYTHONPATH=$PWD python bench/real_pipelines.py [-v] [--no-embeddings]

-v lists every miss and every extra per file; --no-embeddings runs without classification layer 2
(faster; the default is the configuration a new user gets).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "bench" / "pipelines"
LABELS = CORPUS / "labels.yaml"
FAMILIES = ("llm", "trackers", "cloud", "databases", "saas", "logs", "idioms", "notebooks",
            "hunt")
DIRECTION = {"read": "in", "query": "in", "write": "out", "export": "out"}
ANALYSED_SUFFIXES = (".py", ".ipynb", ".sql")
FILE_KEYS = {"family", "control", "note", "operations"}
OP_KEYS = {"action", "line", "cell", "at", "also", "also_at", "resource", "sources",
           "maybe_sources", "block", "optional"}
PLAIN_KINDS = ("file", "table")
# `rows = %sql SELECT ...` or `files = !ls`: an IPython line whose value a name keeps.
MAGIC_ASSIGNMENT = re.compile(r"^\s*[A-Za-z_]\w*\s*=\s*[%!]")
EXIT_ERROR = 2


class LabelError(Exception):
    """A malformed labels file: the message names the file entry and key."""


# ---------------------------------------------------------------- labels

Names = tuple[str, ...]  # acceptable names of one resource


@dataclass(frozen=True)
class LabeledOp:
    """One labeled operation; `lines` are the statement's line and the `also` lines."""

    action: str
    cell: int | None
    lines: tuple[int, ...]
    at: tuple[str, ...]
    resource: Names
    sources: tuple[Names, ...]
    maybe_sources: Names
    block: bool
    optional: bool

    @property
    def direction(self) -> str:
        return DIRECTION[self.action]


@dataclass(frozen=True)
class LabeledFile:
    path: str
    family: str
    control: bool
    operations: tuple[LabeledOp, ...]


def _names(value: object, where: str) -> Names:
    """A resource label: one name or a list of acceptable names."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and item for item in items):
        raise LabelError(f"{where}: expected a name or a list of names")
    return tuple(items)


def _op(entry: object, where: str) -> LabeledOp:
    if not isinstance(entry, dict):
        raise LabelError(f"{where}: expected a mapping")
    unknown = set(entry) - OP_KEYS
    if unknown:
        raise LabelError(f"{where}.{min(unknown)}: unknown key")
    action = entry.get("action")
    if action not in DIRECTION:
        raise LabelError(f"{where}.action: expected one of {', '.join(DIRECTION)}")
    line, cell = entry.get("line"), entry.get("cell")
    if not isinstance(line, int) or line < 1:
        raise LabelError(f"{where}.line: expected a line number")
    if cell is not None and (not isinstance(cell, int) or cell < 1):
        raise LabelError(f"{where}.cell: expected a cell number")
    if not isinstance(entry.get("at"), str):
        raise LabelError(f"{where}.at: expected the code fragment on that line")
    also, also_at = entry.get("also", []), entry.get("also_at", [])
    if (not isinstance(also, list) or not isinstance(also_at, list) or len(also) != len(also_at)
            or not all(isinstance(n, int) for n in also)):
        raise LabelError(f"{where}.also: expected line numbers, one per also_at fragment")
    sources = entry.get("sources", [])
    if not isinstance(sources, list):
        raise LabelError(f"{where}.sources: expected a list")
    if DIRECTION[action] == "in" and sources:
        raise LabelError(f"{where}.sources: only write and export operations have sources")
    maybe = entry.get("maybe_sources", [])
    return LabeledOp(
        action=action, cell=cell, lines=(line, *also), at=(entry["at"], *also_at),
        resource=_names(entry.get("resource"), f"{where}.resource"),
        sources=tuple(_names(s, f"{where}.sources[{i}]") for i, s in enumerate(sources)),
        maybe_sources=_names(maybe, f"{where}.maybe_sources") if maybe else (),
        block=entry.get("block", False) is True, optional=entry.get("optional", False) is True,
    )


def load_labels(path: Path = LABELS) -> dict[str, LabeledFile]:
    """Parse and validate the labels file; every problem is one LabelError naming entry and key."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LabelError(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(document, dict) or document.get("version") != 1:
        raise LabelError(f"{path.name}: version: expected 1")
    entries = document.get("files")
    if not isinstance(entries, dict):
        raise LabelError(f"{path.name}: files: expected a mapping of file paths")
    labels = {}
    for name, entry in entries.items():
        where = f"{path.name}: files.{name}"
        if not isinstance(entry, dict) or set(entry) - FILE_KEYS:
            raise LabelError(f"{where}: expected the keys {', '.join(sorted(FILE_KEYS))}")
        if entry.get("family") not in FAMILIES:
            raise LabelError(f"{where}.family: expected one of {', '.join(FAMILIES)}")
        ops = entry.get("operations")
        if not isinstance(ops, list):
            raise LabelError(f"{where}.operations: expected a list")
        operations = tuple(_op(op, f"{where}.operations[{i}]") for i, op in enumerate(ops))
        notebook = name.endswith(".ipynb")
        for i, op in enumerate(operations):
            if (op.cell is not None) != notebook:
                raise LabelError(f"{where}.operations[{i}].cell: needed for notebooks only")
        labels[name] = LabeledFile(name, entry["family"], entry.get("control", False) is True,
                                   operations)
    return labels


def corpus_files(root: Path = CORPUS) -> list[str]:
    """The files `lacuna check` analyses in the corpus, relative to it."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.suffix in ANALYSED_SUFFIXES and p.is_file())


def source_lines(root: Path, path: str, cell: int | None) -> list[str]:
    """The lines of a file, or of one notebook cell (1-based cells counting every cell)."""
    text = (root / path).read_text(encoding="utf-8")
    if cell is None:
        return text.split("\n")
    cells = json.loads(text)["cells"]
    source = cells[cell - 1]["source"]
    return ("".join(source) if isinstance(source, list) else source).split("\n")


# ---------------------------------------------------------------- statements

Span = tuple[int, int]


def python_spans(text: str) -> list[Span]:
    """Line ranges of simple statements and of compound statements' headers (not their bodies),
    so a call spread over several lines is one place."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    spans = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        end = node.end_lineno or node.lineno
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            end = max(node.lineno, body[0].lineno - 1)
        spans.append((node.lineno, end))
    return spans


def cell_python(lines: list[str]) -> str | None:
    """A notebook cell as Python with magics and shell lines (`rows = %sql ...` too) blanked
    (same line numbers), or None for a cell in another language (`%%sql`)."""
    if lines and lines[0].startswith("%%") and not lines[0].startswith(("%%time", "%%capture")):
        return None
    return "\n".join("" if line.lstrip().startswith(("%", "!")) or MAGIC_ASSIGNMENT.match(line)
                     else line for line in lines)


def sql_spans(lines: list[str]) -> list[Span]:
    """Line ranges of `;`-separated SQL statements, comment lines left out."""
    spans, start = [], None
    for number, line in enumerate(lines, 1):
        code = line.split("--", 1)[0]
        if start is None and code.strip():
            start = number
        if ";" in code and start is not None:
            spans.append((start, number))
            start = None
    if start is not None:
        spans.append((start, len(lines)))
    return spans


class Statements:
    """Maps a (cell, line) of one file to the statement holding it."""

    def __init__(self, root: Path, path: str) -> None:
        self.root, self.path = root, path
        self.cache: dict[int | None, list[Span]] = {}

    def spans(self, cell: int | None) -> list[Span]:
        if cell not in self.cache:
            lines = source_lines(self.root, self.path, cell)
            if self.path.endswith(".sql"):
                self.cache[cell] = sql_spans(lines)
            else:
                text = "\n".join(lines) if cell is None else cell_python(lines)
                self.cache[cell] = python_spans(text) if text is not None else []
        return self.cache[cell]

    def of(self, cell: int | None, line: int) -> Span:
        holding = [s for s in self.spans(cell) if s[0] <= line <= s[1]]
        return min(holding, key=lambda s: s[1] - s[0]) if holding else (line, line)


# ---------------------------------------------------------------- findings

@dataclass(frozen=True)
class Resource:
    kind: str
    name: str
    dynamic: bool = False


@dataclass(frozen=True)
class Found:
    """One finding of `lacuna check`, reduced to what the bench compares."""

    index: int
    action: str
    cell: int | None
    line: int
    sources: tuple[Resource, ...]
    destination: Resource | None
    denied: bool
    code: str

    @property
    def direction(self) -> str | None:
        return DIRECTION.get(self.action)

    def counted(self) -> list[Resource]:
        """An "in" operation counts once per resource read, an "out" once per destination."""
        if self.direction == "in":
            return list(self.sources)
        if self.direction == "out" and self.destination is not None:
            return [self.destination]
        return []


def _resource(data: dict, dynamic: bool = False) -> Resource:
    return Resource(data["kind"], data["name"], dynamic or data["kind"] == "unknown")


def parse_findings(report: dict) -> dict[str, list[Found]]:
    """Findings of a `check --format json` report by analysed file."""
    by_file: dict[str, list[Found]] = {}
    for index, finding in enumerate(report["findings"]):
        op, decision = finding["operation"], finding["decision"]
        location = op["location"]
        destination = op.get("destination")
        by_file.setdefault(location["path"], []).append(Found(
            index=index, action=op["action"], cell=location.get("cell"), line=location["line"],
            sources=tuple(_resource(s) for s in op["sources"]),
            destination=_resource(destination, op.get("dynamic", False)) if destination else None,
            denied=not decision["allowed"] and finding.get("suppression") is None,
            code=(op.get("code") or "").strip().split("\n")[0][:80],
        ))
    return by_file


def matches(label: str, found: Resource) -> bool:
    """Whether a labeled name (see the labels file: exact, `service:TOKEN` or `?`) names a found
    resource."""
    if label == "?":
        return found.dynamic
    if label.startswith("service:"):
        if found.kind in PLAIN_KINDS:
            return False
        text = re.sub(r"`[^`]*`", "", f"{found.kind} {found.name}").lower()
        return label.removeprefix("service:").lower() in text
    return found.name == label


def any_match(names: Iterable[str], found: Resource) -> bool:
    return any(matches(name, found) for name in names)


# ---------------------------------------------------------------- scoring

@dataclass
class Score:
    """Hits, misses and extras of one measure over a slice of the corpus."""

    hit: int = 0
    missed: int = 0
    extra: int = 0

    def add(self, other: Score) -> None:
        self.hit, self.missed, self.extra = (self.hit + other.hit, self.missed + other.missed,
                                             self.extra + other.extra)

    def recall(self) -> str:
        return _ratio(self.hit, self.hit + self.missed)

    def precision(self) -> str:
        return _ratio(self.hit, self.hit + self.extra)


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


@dataclass
class FileScore:
    operations: Score = field(default_factory=Score)
    edges: Score = field(default_factory=Score)
    denials: Score = field(default_factory=Score)  # missed: must-block not denied; extra: false
    control_files: int = 0
    control_alarms: int = 0  # control files with a denial
    problems: list[str] = field(default_factory=list)  # for -v

    def add(self, other: FileScore) -> None:
        self.operations.add(other.operations)
        self.edges.add(other.edges)
        self.denials.add(other.denials)
        self.control_files += other.control_files
        self.control_alarms += other.control_alarms


def _show(names: Iterable[str]) -> str:
    return "|".join(names)


def _where(cell: int | None, line: int) -> str:
    return f"cell {cell} line {line}" if cell is not None else f"line {line}"


def score_file(label: LabeledFile, found: list[Found], statements: Statements) -> FileScore:
    """Match one file's findings with its labels (greedily, in label order)."""
    score = FileScore()
    spans = {op: [statements.of(op.cell, line) for line in op.lines] for op in label.operations}

    def inside(op: LabeledOp, item: Found) -> bool:
        return item.cell == op.cell and any(a <= item.line <= b for a, b in spans[op])

    keys = [(item, resource) for item in found for resource in item.counted()]
    used: set[int] = set()
    absorbed: set[int] = set()  # findings at optional operations: not scored
    for op in label.operations:
        if op.optional:
            continue
        hit = next((i for i, (item, resource) in enumerate(keys) if i not in used
                    and item.direction == op.direction and inside(op, item)
                    and any_match(op.resource, resource)), None)
        if hit is None:
            score.operations.missed += 1
            score.problems.append(f"missed {op.action} {_where(op.cell, op.lines[0])} "
                                  f"{_show(op.resource)}")
        else:
            used.add(hit)
            score.operations.hit += 1
    for op in label.operations:
        if op.optional:
            for i, (item, _) in enumerate(keys):
                if i not in used and item.direction == op.direction and inside(op, item):
                    used.add(i)
                    absorbed.add(item.index)
    for i, (item, resource) in enumerate(keys):
        if i not in used:
            score.operations.extra += 1
            score.problems.append(f"extra  {item.action} {_where(item.cell, item.line)} "
                                  f"{resource.name[:70]}  `{item.code}`")
    _score_edges(label, found, absorbed, score)
    _score_denials(label, found, inside, score)
    return score


def _score_edges(label: LabeledFile, found: list[Found], absorbed: set[int],
                 score: FileScore) -> None:
    """Source -> destination pairs of the file, matched regardless of line."""
    wanted = [(src, op) for op in label.operations if op.direction == "out" and not op.optional
              for src in op.sources]
    got = [(src, item.destination) for item in found if item.direction == "out"
           and item.destination is not None and item.index not in absorbed for src in item.sources]
    used: set[int] = set()
    for src_names, op in wanted:
        hit = next((i for i, (src, dst) in enumerate(got) if i not in used
                    and any_match(op.resource, dst) and any_match(src_names, src)), None)
        if hit is None:
            score.edges.missed += 1
            score.problems.append(f"missed edge {_show(src_names)} -> {_show(op.resource)}")
        else:
            used.add(hit)
            score.edges.hit += 1
    maybe = [(op.maybe_sources, op.resource) for op in label.operations if op.maybe_sources]
    for i, (src, dst) in enumerate(got):
        if i in used or any(any_match(srcs, src) and any_match(dsts, dst) for srcs, dsts in maybe):
            continue
        score.edges.extra += 1
        score.problems.append(f"extra  edge {src.name[:50]} -> {dst.name[:50]}")


def _score_denials(label: LabeledFile, found: list[Found], inside, score: FileScore) -> None:
    denied = [item for item in found if item.denied]
    for op in label.operations:
        if op.block:
            if any(inside(op, item) for item in denied):
                score.denials.hit += 1
            else:
                score.denials.missed += 1
                score.problems.append(f"not blocked {_where(op.cell, op.lines[0])} "
                                      f"{_show(op.resource)}")
    if label.control:
        score.control_files = 1
        score.control_alarms = 1 if denied else 0
    for item in denied:
        if label.control:
            score.denials.extra += 1
            score.problems.append(f"false alarm on a control {_where(item.cell, item.line)} "
                                  f"`{item.code}`")
        elif not any(inside(op, item) for op in label.operations if op.block or op.optional):
            score.denials.extra += 1
            score.problems.append(f"false denial {_where(item.cell, item.line)} `{item.code}`")


# ---------------------------------------------------------------- run and report

def run_check(no_embeddings: bool) -> tuple[dict, float]:
    """`lacuna check` on a temporary copy of the corpus, with this repository's Lacuna."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LACUNA_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["NO_COLOR"] = "1"
    if no_embeddings:
        env["LACUNA_EMBEDDINGS"] = "false"
    with tempfile.TemporaryDirectory(prefix="lacuna-pipelines-") as tmp:
        project = Path(tmp) / "pipelines"
        shutil.copytree(CORPUS, project, ignore=shutil.ignore_patterns("labels.yaml"))
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "lacuna_cli", "-C", str(project), "check", str(project),
             "--format", "json"], cwd=project, env=env, capture_output=True, text=True,
            check=False)
        elapsed = time.perf_counter() - started
    if run.returncode not in (0, 1):
        raise RuntimeError(f"lacuna check exited {run.returncode}: "
                           f"{(run.stderr.strip().splitlines() or ['no output'])[-1]}")
    return json.loads(run.stdout), elapsed


def table(rows: list[tuple[str, FileScore, int]]) -> Iterator[str]:
    header = ("family", "files", "ops recall", "ops precision", "edge recall", "edge precision",
              "denial recall", "denial precision", "control alarms")
    widths = (10, 5, 16, 16, 16, 16, 14, 16, 14)
    yield "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    for name, score, files in rows:
        cells = (name, str(files), score.operations.recall(), score.operations.precision(),
                 score.edges.recall(), score.edges.precision(), score.denials.recall(),
                 score.denials.precision(),
                 f"{score.control_alarms}/{score.control_files}" if score.control_files else "-")
        yield "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
    parser.add_argument("--no-embeddings", action="store_true",
                        help="run without classification layer 2")
    args = parser.parse_args()
    try:
        labels = load_labels()
    except LabelError as exc:
        print(f"real_pipelines: {exc}", file=sys.stderr)
        return EXIT_ERROR
    unlabeled = sorted(set(corpus_files()) - set(labels))
    if unlabeled:
        print(f"real_pipelines: labels.yaml: files.{unlabeled[0]}: file has no labels",
              file=sys.stderr)
        return EXIT_ERROR
    try:
        report, elapsed = run_check(args.no_embeddings)
    except (RuntimeError, json.JSONDecodeError) as exc:
        print(f"real_pipelines: {exc}", file=sys.stderr)
        return EXIT_ERROR
    found = parse_findings(report)
    per_family = {family: FileScore() for family in FAMILIES}
    file_counts = dict.fromkeys(FAMILIES, 0)
    overall = FileScore()
    for path, label in sorted(labels.items()):
        score = score_file(label, found.get(path, []), Statements(CORPUS, path))
        per_family[label.family].add(score)
        file_counts[label.family] += 1
        overall.add(score)
        if args.verbose and score.problems:
            print(f"{path}:")
            for problem in score.problems:
                print(f"    {problem}")
    strays = sorted(set(found) - set(labels))
    ops = [op for label in labels.values() for op in label.operations]
    summary = report["summary"]
    print(f"real pipelines: {len(labels)} files ({sum(label.control for label in labels.values())} "
          f"controls), {sum(not op.optional for op in ops)} labeled operations, "
          f"{sum(op.block for op in ops)} must-block")
    print(f"lacuna check: {elapsed:.1f} s, {summary['operations']} operations, "
          f"{summary['denied']} denied, {summary['errors']} errors"
          + (f", findings in unlabeled files: {', '.join(strays)}" if strays else ""))
    if args.verbose:
        for error in report["errors"]:
            print(f"  error {error['path']}:{error.get('line')}: {error['message']}")
    rows = [(family, per_family[family], file_counts[family]) for family in FAMILIES]
    rows.append(("overall", overall, len(labels)))
    for line in table(rows):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
