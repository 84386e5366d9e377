"""HTML fragments for one finding: shared by the notebook magic and `lacuna report --html`.

Self-contained (inline styles on a small class vocabulary, no scripts, no external assets) so
a fragment reads the same in a Jupyter output cell, a saved notebook and a report file.
"""

from __future__ import annotations

from html import escape

from lacuna_cli.models import Finding

STYLE = """<style>
.lacuna-denial{border-left:4px solid #c62828;background:#fff5f5;padding:8px 12px;margin:8px 0;
font-family:system-ui,sans-serif;font-size:14px;color:#222}
.lacuna-denial.suppressed{border-color:#f9a825;background:#fffbea}
.lacuna-denial h4{margin:0 0 6px;font-size:15px;color:#b71c1c}
.lacuna-denial.suppressed h4{color:#8d6e00}
.lacuna-denial code{background:#f1f1f1;padding:1px 4px;border-radius:3px}
.lacuna-denial dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:6px 0}
.lacuna-denial dt{font-weight:600}.lacuna-denial dd{margin:0}
.lacuna-denial ol{margin:4px 0 0 20px;padding:0}
</style>"""


def _where(finding: Finding) -> str:
    return finding.operation.location.display()


def finding_html(finding: Finding) -> str:
    """One denied (or suppressed) operation: what, why, classification, alternatives, who."""
    op, decision, classification = finding.operation, finding.decision, finding.classification
    status = "SUPPRESSED" if finding.suppression else "BLOCKED"
    origin = (f" — inherited from {escape(', '.join(classification.inherited_from))}"
              if classification.inherited_from else "")
    rows = [
        ("Where", f"<code>{escape(_where(finding))}</code>"),
        ("Code", f"<code>{escape(op.code)}</code>"),
        ("Why", escape(decision.reasoning)),
        ("Classification", f"{classification.tier.value}{origin}"),
        ("Tags", escape(", ".join(classification.tags) or "none")),
        ("Policy", escape(f"{decision.policy_id} v{decision.policy_version}"
                          + (f" — {decision.title}" if decision.title else "")
                          + f" (severity {decision.severity})")),
        ("Data steward", escape(decision.steward or "not named")),
    ]
    if finding.suppression:
        rows.append(("Suppressed", escape(f"{finding.suppression.kind}: "
                                          f"{finding.suppression.reason}")))
    details = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    alternatives = "".join(f"<li>{escape(alt)}</li>" for alt in decision.alternatives)
    remedy = "" if finding.suppression else (
        f"<strong>What to do instead:</strong><ol>{alternatives}</ol>")
    return (f'<div class="lacuna-denial{" suppressed" if finding.suppression else ""}">'
            f"<h4>{escape(decision.policy_id)} {status}: {escape(op.action)} of "
            f"{classification.tier.value} data to <code>{escape(op.target)}</code></h4>"
            f"<dl>{details}</dl>{remedy}</div>")
