"""What a repository's own files may do to classification (issue 14, README *Trust model*).

A project's rule files (`rules` in its config) travel with the pull request under review: they
may add and strengthen, never weaken the shipped column rules. An attempt is reported as one
warning line naming the file and key, and has no effect; lowering is what the audited override
path is for. The reviewed `lacuna-classifications.yaml` is checked like `lacuna classify
override`: an unknown tier or tag is one error naming the file and key (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import LOYALTY_RULE

PERSONAL = {"PII", "PHI", "PCI", "CREDENTIALS", "SPECIAL_CATEGORY"}
# Two attempts to weaken shipped rules around a rule that only adds.
WEAKEN = LOYALTY_RULE.replace("rules:\n", """rules:
  - id: our-emails-are-public
    words: [email]
    veto: true
    tier: PUBLIC
    confidence: 0.99
    reasoning: we say so
""") + """  - id: contact-phone-internal
    words: [phone]
    tier: INTERNAL
    confidence: 0.95
    reasoning: lower it without a veto
"""


def project(tmp_path: Path, rules: str) -> Path:
    (tmp_path / "lacuna.toml").write_text('embeddings = false\nrules = ["team-rules.yaml"]\n')
    (tmp_path / "team-rules.yaml").write_text(rules)
    return tmp_path


def columns(lacuna, root: Path, table: str, *names: str) -> tuple[dict[str, dict], str]:
    result = lacuna("classify", "columns", table, *names, "-f", "json", cwd=root)
    assert result.code == 0, result.stderr
    return {row["column"]: row for row in json.loads(result.stdout)}, result.stderr


def test_a_project_rule_cannot_veto_or_lower_a_shipped_rule_and_is_told_so(lacuna, tmp_path):
    root = project(tmp_path, WEAKEN)
    found, stderr = columns(lacuna, root, "orders", "email", "phone", "loyalty_number",
                            "order_total")
    assert PERSONAL & set(found["email"]["tags"]) and found["email"]["tier"] == "PROPRIETARY"
    assert found["phone"]["tier"] == "PROPRIETARY" and "PII" in found["phone"]["tags"]
    # Adding is allowed: the team's own rule makes its loyalty numbers personal.
    assert "PII" in found["loyalty_number"]["tags"]
    assert not PERSONAL & set(found["order_total"]["tags"])
    warnings = [line for line in stderr.splitlines() if "team-rules.yaml" in line]
    assert len(warnings) == 2, stderr
    assert "team-rules.yaml: rules.0.veto: ignored:" in warnings[0]
    assert "'email'" in warnings[0] and "override" in warnings[0]
    assert "team-rules.yaml: rules.2.tier: ignored:" in warnings[1]


def test_a_project_veto_still_silences_its_own_rules(lacuna, tmp_path):
    root = project(tmp_path, """version: 1
kind: columns
rules:
  - id: badge
    words: [badge_code]
    tier: PROPRIETARY
    tags: [PII]
    confidence: 0.9
    reasoning: staff badge codes
  - id: badge-kinds
    last_words: [kind]
    words: [badge_code_kind]
    veto: true
    tier: INTERNAL
    confidence: 0.9
    reasoning: the kind of a badge is no badge
""")
    found, stderr = columns(lacuna, root, "staff_badges", "badge_code", "badge_code_kind")
    assert "PII" in found["badge_code"]["tags"]
    assert "PII" not in found["badge_code_kind"]["tags"]
    assert "team-rules.yaml" not in stderr


def test_an_override_is_still_the_way_to_lower(lacuna, tmp_path):
    root = project(tmp_path, WEAKEN)
    (root / "lacuna-classifications.yaml").write_text(
        "version: 1\noverrides:\n  - resource: orders\n    tier: INTERNAL\n    tags: []\n"
        "    reason: synthetic orders for tests\n    reviewed_by: dpo@acme.example\n")
    found, _ = columns(lacuna, root, "orders", "email")
    assert found["email"]["tier"] == "INTERNAL" and not found["email"]["tags"]


def test_an_unknown_tag_in_the_reviewed_file_is_one_error_naming_file_and_key(lacuna, tmp_path):
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    (tmp_path / "lacuna-classifications.yaml").write_text(
        "version: 1\noverrides:\n  - resource: orders\n    tier: INTERNAL\n    tags: [financial]\n"
        "    reason: r\n    reviewed_by: me\n  - resource: stores\n    tier: PROPRIETARY\n"
        "    tags: [PII, CONFIDENTAIL]\n    reason: r\n    reviewed_by: me\n")
    result = lacuna("classify", "columns", "orders", "email", cwd=tmp_path)
    assert result.code == 2
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert "lacuna-classifications.yaml: overrides.1.tags: unknown tag CONFIDENTAIL" in line
    assert "valid tags:" in line and "FINANCIAL" in line
    # A tag in another case is the tag (as `--tags pii` is on the command line).
    (tmp_path / "lacuna-classifications.yaml").write_text(
        "version: 1\noverrides:\n  - resource: orders\n    tier: INTERNAL\n    tags: [financial]\n"
        "    reason: r\n    reviewed_by: me\n")
    found, _ = columns(lacuna, tmp_path, "orders", "email")
    assert found["email"]["tags"] == ["FINANCIAL"]


def test_an_unknown_tier_in_the_reviewed_file_is_one_error_naming_file_and_key(lacuna, tmp_path):
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    (tmp_path / "lacuna-classifications.yaml").write_text(
        "version: 1\noverrides:\n  - resource: orders\n    tier: UNKNOWN\n    tags: []\n"
        "    reason: r\n    reviewed_by: me\n")
    result = lacuna("classify", "columns", "orders", "email", cwd=tmp_path)
    assert result.code == 2
    assert "lacuna-classifications.yaml: overrides.0.tier" in result.stderr
    assert "Traceback" not in result.stderr
