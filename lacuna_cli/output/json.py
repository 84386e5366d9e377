"""The machine-readable contract of DESIGN.md (version 1): scripts and CI parse this."""

from __future__ import annotations

from typing import TYPE_CHECKING

from typing import Any

import orjson

from lacuna_cli.models import CONTRACT_VERSION, FileProblem

if TYPE_CHECKING:
    from lacuna_cli.results import CheckResult, ExtractResult, Summary


def dumps(document: Any) -> str:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()


def dumps_line(document: Any) -> str:
    """Compact, one line: for JSON-lines streams (OpenLineage events)."""
    return orjson.dumps(document).decode()


def _errors(errors: list[FileProblem]) -> list[dict[str, Any]]:
    return [error.model_dump(mode="json") for error in errors]


def check_document(result: CheckResult) -> dict[str, Any]:
    return {
        "version": CONTRACT_VERSION,
        "findings": [f.model_dump(mode="json", exclude_none=False) for f in result.findings],
        "errors": _errors(result.errors),
        "summary": _summary(result.summary),
    }


def _summary(counts: Summary) -> dict[str, int]:
    """The contract's summary object (`denied` is the blocked count)."""
    return {"files": counts.files, "operations": counts.operations, "denied": counts.blocked,
            "allowed": counts.allowed, "suppressed": counts.suppressed, "errors": counts.errors,
            "unresolved": counts.unresolved}


def extract_document(result: ExtractResult) -> dict[str, Any]:
    return {
        "version": CONTRACT_VERSION,
        "operations": [op.model_dump(mode="json") for op in result.operations],
        "errors": _errors(result.errors),
    }
