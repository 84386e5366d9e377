"""JUnit XML: one test suite per analysed file, one test case per operation.

CI dashboards (GitLab, Jenkins, Azure) read JUnit, so a blocked operation shows up where a
failing test would: denied operations are failures with the full explanation, suppressed ones
are skipped with their justification, files that could not be analysed are errors, and
allowed operations pass — the count of checked operations stays visible.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from lacuna_cli.fingerprint import fingerprint
from lacuna_cli.models import FileProblem, Finding
from lacuna_cli.output.text import denial_text

if TYPE_CHECKING:
    from lacuna_cli.results import CheckResult


def _case(suite: ET.Element, finding: Finding) -> None:
    op = finding.operation
    case = ET.SubElement(suite, "testcase", {
        "classname": op.location.path,
        "name": f"{op.location.position} {op.action} {op.target}",
        "file": op.location.path, "line": str(op.location.line)})
    if finding.decision.allowed:
        return
    if finding.suppression is not None:
        ET.SubElement(case, "skipped", {
            "message": f"suppressed ({finding.suppression.kind}): {finding.suppression.reason}"})
        return
    failure = ET.SubElement(case, "failure", {"type": finding.decision.policy_id,
                                              "message": finding.decision.reasoning})
    failure.text = f"{denial_text(finding)}\nfingerprint: {fingerprint(finding)}\n"


def _error(suite: ET.Element, error: FileProblem) -> None:
    line = f":{error.line}" if error.line else ""
    case = ET.SubElement(suite, "testcase", {"classname": error.path,
                                             "name": f"analyse {error.path}{line}",
                                             "file": error.path})
    ET.SubElement(case, "error", {"message": error.message})


def render(result: CheckResult) -> str:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_file[finding.operation.location.path].append(finding)
    errors: dict[str, list[FileProblem]] = defaultdict(list)
    for error in result.errors:
        errors[error.path].append(error)
    root = ET.Element("testsuites", {"name": "lacuna"})
    for path in sorted(set(by_file) | set(errors)):
        suite = ET.SubElement(root, "testsuite", {"name": path})
        for finding in by_file[path]:
            _case(suite, finding)
        for error in errors[path]:
            _error(suite, error)
        _count(suite)
    _count(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _count(element: ET.Element) -> None:
    cases = list(element.iter("testcase"))
    element.set("tests", str(len(cases)))
    for kind, attribute in (("failure", "failures"), ("error", "errors"),
                            ("skipped", "skipped")):
        element.set(attribute, str(sum(1 for c in cases if c.find(kind) is not None)))
