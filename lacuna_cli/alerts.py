"""Alerts: a Slack-compatible webhook message for the denied findings of a run.

The message is Slack's incoming-webhook shape (`text` as the fallback, `blocks` for the
layout); Mattermost, Rocket.Chat and Teams' Slack-compatible connectors accept it too. An
alert must never change what the check decided: a bounded timeout, one retry on a network
error or a 5xx answer, and failure becomes a warning, never an exit code.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from lacuna_cli.models import Finding

if TYPE_CHECKING:
    from lacuna_cli.gitinfo import RunIdentity

TIMEOUT_SECONDS = float(os.environ.get("LACUNA_ALERT_TIMEOUT", "5"))
MAX_FINDINGS = 10  # Slack allows 50 blocks; a long list belongs in the SARIF report


def _line(finding: Finding) -> str:
    op, decision = finding.operation, finding.decision
    alternatives = "\n".join(f"{n}. {alt}" for n, alt in
                             enumerate(decision.alternatives, start=1))
    return (f"*{decision.policy_id}* {op.action} of {finding.classification.tier.value} data to "
            f"`{op.target}` at `{op.location.display(column=False)}`\n"
            f"{decision.reasoning}\n{alternatives}\nSteward: {decision.steward or 'not named'}")


def message(blocking: list[Finding], identity: RunIdentity) -> dict[str, Any]:
    headline = (f"Lacuna blocked {len(blocking)} data operation(s) in {identity.repo} "
                f"({identity.commit[:12]}) by {identity.actor}")
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text",
                                                                "text": headline[:150]}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": _line(f)[:3000]}}
               for f in blocking[:MAX_FINDINGS]]
    if len(blocking) > MAX_FINDINGS:
        blocks.append({"type": "context", "elements": [{
            "type": "mrkdwn", "text": f"… and {len(blocking) - MAX_FINDINGS} more"}]})
    return {"text": headline, "blocks": blocks}


def send(url: str, payload: dict[str, Any], timeout: float = TIMEOUT_SECONDS) -> str | None:
    """POST the payload, retrying once; None on success, else why it failed."""
    import httpx

    problem = "not sent"
    for _attempt in range(2):
        try:
            response = httpx.post(url, json=payload, timeout=timeout)
        except httpx.HTTPError as exc:
            problem = f"{type(exc).__name__}: {exc}"
            continue
        if response.status_code < 400:
            return None
        problem = f"HTTP {response.status_code}"
        if response.status_code < 500:
            break  # the receiver refuses this message; sending it again will not help
    return problem
