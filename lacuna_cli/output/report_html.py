"""`lacuna report --html`: one self-contained HTML file for people who do not read terminals.

Everything is inline — styles, the lineage drawing (SVG), no script, no fonts or images to
fetch — so the file can be attached to a ticket or archived as evidence and still open as it
was. It holds the verdict, every denial with its explanation and alternatives (the same
fragment the notebook magic shows), the files that could not be analysed, the allowed
operations, the lineage graph, and the audit log's verification status.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING

from lacuna_cli import __version__
from lacuna_cli.output import graph_svg
from lacuna_cli.output.html import STYLE, finding_html
from lacuna_cli.plural import counted

if TYPE_CHECKING:
    import networkx as nx

    from lacuna_cli.audit.verify import Verification
    from lacuna_cli.lineage_export import Labels
    from lacuna_cli.results import CheckResult

PAGE_STYLE = """<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
.meta{color:#666;font-size:13px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:90px}
.card b{display:block;font-size:22px}.card.bad b{color:#b02a37}.card.good b{color:#146c43}
.verdict{font-size:18px;font-weight:600}.verdict.blocked{color:#b02a37}.verdict.clean{color:#146c43}
table{border-collapse:collapse;font-size:13px;width:100%}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f6f6}
.graph{border:1px solid #ddd;border-radius:6px;padding:8px;box-sizing:border-box;
width:calc(100vw - 64px);margin-left:calc(50% - 50vw + 32px)}
.audit.ok{color:#146c43}.audit.bad{color:#b02a37}
</style>"""


def _cards(result: CheckResult) -> str:
    summary = result.summary
    counts = [("files", summary.files, ""), ("operations", summary.operations, ""),
              ("blocked", summary.blocked, "bad" if summary.blocked else "good"),
              ("allowed", summary.allowed, ""),
              ("suppressed", summary.suppressed, ""),
              ("errors", summary.errors, "bad" if summary.errors else ""),
              ("unresolved source or destination", summary.unresolved, "")]
    return '<div class="cards">' + "".join(
        f'<div class="card {kind}"><b>{value}</b>{name}</div>'
        for name, value, kind in counts) + "</div>"


def _audit(verification: Verification) -> str:
    if verification.ok:
        return ('<p class="audit ok">✔ Audit log verified: '
                f"{counted(verification.records, 'record')}, "
                f"hash chain intact, {counted(verification.checkpoints, 'checkpoint')} "
                f"({verification.signed} signed).</p>")
    first = verification.problems[0]
    return (f'<p class="audit bad">✘ Audit log verification FAILED at record {first.seq}: '
            f"{escape(first.kind)} — {escape(first.detail)} ({len(verification.problems)} "
            "problems).</p>")


def _allowed(result: CheckResult) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(f.operation.location.path)}:{f.operation.location.line}</code>"
        f"</td><td>{escape(f.operation.action)}</td><td>{escape(f.operation.target)}</td>"
        f"<td>{f.classification.tier.value}</td></tr>"
        for f in result.findings if f.decision.allowed)
    return (f"<details><summary>{sum(1 for f in result.findings if f.decision.allowed)} "
            "allowed operations</summary><table><tr><th>Where</th><th>Action</th>"
            f"<th>Resource</th><th>Tier</th></tr>{rows}</table></details>")


def render(result: CheckResult, graph: nx.MultiDiGraph, labels: Labels,
           verification: Verification, project: str) -> str:
    denied = [f for f in result.findings if not f.decision.allowed]
    blocked = any(f.blocking for f in denied)
    verdict = ("blocked", "Blocked: data operations break the policies") if blocked else (
        "clean", "Clean: every data operation is allowed")
    errors = "".join(f"<li><code>{escape(e.path)}{f':{e.line}' if e.line else ''}</code> "
                     f"{escape(e.message)}</li>" for e in result.errors)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "".join([
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>Lacuna report — {escape(project)}</title>", PAGE_STYLE, STYLE, "</head><body>",
        f"<h1>Lacuna data-governance report — {escape(project)}</h1>",
        f'<p class="meta">Generated {generated} by Lacuna {__version__}.</p>',
        f'<p class="verdict {verdict[0]}">{verdict[1]}</p>', _cards(result),
        "<h2>Audit log</h2>", _audit(verification),
        "<h2>Denied operations</h2>",
        "".join(finding_html(f) for f in denied) or "<p>None.</p>",
        *(["<h2>Files not analysed</h2><ul>", errors, "</ul>"] if errors else []),
        "<h2>Lineage</h2>",
        ('<p class="meta">Data flows left to right. Boxes are files and tables, rounded dashed '
        "boxes are values in code; the colour is the tier (red PROPRIETARY, purple UNKNOWN, "
        "amber INTERNAL, green PUBLIC).</p>"),
        f'<div class="graph">{graph_svg.render(graph, labels)}</div>',
        "<h2>Allowed operations</h2>", _allowed(result),
        "</body></html>\n"])
