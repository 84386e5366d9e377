"""`lacuna audit report`: evidence for ISO 27001, GDPR or HIPAA from the audit log.

The report is built once as a plain document (which is also the JSON format) and rendered to
Markdown or to one self-contained HTML file; every number in it is counted from the records of
the period, and the log's verification result is part of it.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from typing import Any

from lacuna_cli.audit.controls import STANDARDS
from lacuna_cli.audit.verify import Verification
from lacuna_cli.plural import counted


def build(records: Iterable[dict[str, Any]], verification: Verification, standard: str,
          period: tuple[str | None, str | None], generated_at: str) -> dict[str, Any]:
    controls, scope = STANDARDS[standard]
    start, end = period
    chosen = [r for r in records
              if (start is None or r["timestamp"] >= start)
              and (end is None or r["timestamp"] < end)
              and (scope is None or scope & set(r["tags"]))]
    results = Counter(r["result"] for r in chosen)
    classification: dict[str, dict[str, Any]] = {}
    for record in chosen:
        classification[record["resource"]] = {"resource": record["resource"],
                                              "tier": record["tier"], "tags": record["tags"]}
    by_policy = Counter((r["policy_id"], r["policy_version"], r["result"]) for r in chosen)
    return {
        "standard": standard,
        "period": {"from": start, "to": end},
        "generated_at": generated_at,
        "scope": "all records" if scope is None else f"records tagged {', '.join(sorted(scope))}",
        "controls": [{"id": c.id, "edition": c.edition, "title": c.title,
                      "evidence": c.evidence, "successors": list(c.successors)}
                     for c in controls],
        "access_attempts": {"total": len(chosen), "allowed": results["allowed"],
                            "denied": results["denied"], "suppressed": results["suppressed"]},
        "actors": sorted({r["actor"] for r in chosen}),
        "decisions_by_policy": [{"policy_id": p, "policy_version": v, "result": res,
                                 "count": n} for (p, v, res), n in sorted(by_policy.items())],
        "violations": [_entry(r) for r in chosen if r["result"] == "denied"],
        "exceptions": [_entry(r) for r in chosen if r["result"] == "suppressed"],
        "classifications": sorted(classification.values(), key=lambda c: c["resource"]),
        "decisions": [_entry(r) for r in chosen],
        "integrity": verification.as_json(),
    }


def _entry(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("seq", "timestamp", "actor", "commit", "action", "resource", "tier", "tags",
            "result", "policy_id", "policy_version", "reasoning", "location")
    return {key: record[key] for key in keys}


def _integrity_line(report: dict[str, Any]) -> str:
    integrity = report["integrity"]
    if integrity["ok"]:
        return (f"verified: {counted(integrity['records'], 'record')}, "
                f"{counted(integrity['checkpoints'], 'checkpoint')} "
                f"({integrity['signed_checkpoints']} signatures checked), Merkle "
                f"tree head {integrity['tree_root'][:16]}…")
    first = integrity["problems"][0]
    return f"FAILED at seq {first['seq']}: {first['kind']} — {first['detail']}"


def _title(report: dict[str, Any]) -> str:
    names = {"iso27001": "ISO/IEC 27001", "gdpr": "GDPR", "hipaa": "HIPAA"}
    period = report["period"]
    return (f"Lacuna audit report — {names[report['standard']]} — "
            f"{period['from'] or 'beginning'} to {period['to'] or 'now'}")


DECISION_COLUMNS = ("seq", "timestamp", "actor", "action", "resource", "tier", "result",
                    "policy_id", "reasoning")


def to_markdown(report: dict[str, Any]) -> str:
    attempts = report["access_attempts"]
    lines = [f"# {_title(report)}", "",
             f"Generated {report['generated_at']}; scope: {report['scope']}.", "",
             f"**Log integrity:** {_integrity_line(report)}", "",
             (f"**Access attempts:** {attempts['total']} — {attempts['allowed']} allowed, "
              f"{attempts['denied']} denied, {attempts['suppressed']} allowed by exception."), "",
             "## Controls", "", "| control | edition | title | evidence |", "|---|---|---|---|"]
    for control in report["controls"]:
        successors = (f" (2022: {', '.join(control['successors'])})"
                      if control["successors"] else "")
        lines.append(f"| {control['id']}{successors} | {control['edition']} | "
                     f"{control['title']} | {control['evidence']} |")
    for heading, key in (("Violations", "violations"), ("Exceptions used", "exceptions"),
                         ("All decisions", "decisions")):
        lines += ["", f"## {heading}", ""]
        rows = report[key]
        if not rows:
            lines.append("None in this period.")
            continue
        lines += ["| " + " | ".join(DECISION_COLUMNS) + " |",
                  "|" + "---|" * len(DECISION_COLUMNS)]
        lines += ["| " + " | ".join(_cell(row[c]) for c in DECISION_COLUMNS) + " |"
                  for row in rows]
    lines += ["", "## Classification decisions", "", "| resource | tier | tags |", "|---|---|---|"]
    lines += [f"| {_cell(c['resource'])} | {c['tier']} | {', '.join(c['tags'])} |"
              for c in report["classifications"]]
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


STYLE = """body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1b1f24}
h1{font-size:1.5em}h2{margin-top:1.8em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{border:1px solid #d0d7de;
padding:4px 6px;text-align:left;vertical-align:top}th{background:#f6f8fa}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
.denied{background:#ffebe9}.suppressed{background:#fff8c5}"""


def to_html(report: dict[str, Any]) -> str:
    """One self-contained file (inline CSS, no scripts, no external resources)."""
    attempts = report["access_attempts"]
    state = "ok" if report["integrity"]["ok"] else "bad"
    parts = [(f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
              f"<title>{html.escape(_title(report))}</title><style>{STYLE}</style></head><body>"),
             f"<h1>{html.escape(_title(report))}</h1>",
             (f"<p>Generated {html.escape(report['generated_at'])}; scope: "
              f"{html.escape(report['scope'])}.</p>"),
             (f"<p>Log integrity: <span class='{state}'>{html.escape(_integrity_line(report))}"
              f"</span></p>"),
             (f"<p>Access attempts: <b>{attempts['total']}</b> — {attempts['allowed']} allowed, "
              f"{attempts['denied']} denied, {attempts['suppressed']} allowed by exception.</p>"),
             "<h2>Controls</h2>",
             _table(("control", "edition", "title", "evidence"),
                    [(c["id"] + (f" (2022: {', '.join(c['successors'])})"
                                 if c["successors"] else ""),
                      c["edition"], c["title"], c["evidence"]) for c in report["controls"]])]
    for heading, key in (("Violations", "violations"), ("Exceptions used", "exceptions"),
                         ("All decisions", "decisions")):
        parts.append(f"<h2>{heading}</h2>")
        rows = report[key]
        parts.append(_table(DECISION_COLUMNS, [tuple(r[c] for c in DECISION_COLUMNS)
                                               for r in rows],
                            [r["result"] for r in rows]) if rows
                     else "<p>None in this period.</p>")
    parts.append("<h2>Classification decisions</h2>")
    parts.append(_table(("resource", "tier", "tags"), [
        (c["resource"], c["tier"], ", ".join(c["tags"])) for c in report["classifications"]]))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _table(header: tuple[str, ...], rows: list[tuple], classes: list[str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for index, row in enumerate(rows):
        css = f" class='{classes[index]}'" if classes else ""
        cells = "".join(f"<td>{html.escape(str(value))}</td>" for value in row)
        body.append(f"<tr{css}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
