"""A signing key created after records exist, and a key rotation (issue 15, point 4)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import lacuna_environment

DB = Path(".lacuna") / "lacuna.duckdb"
PUBLIC = Path(".lacuna") / "audit-key.pem.pub"
# `lacuna check .` in this process, then whether the signing library was loaded.
CHECK_THEN_IMPORTS = """
import sys
from lacuna_cli.entry import main
sys.argv = ["lacuna", "check", "."]
try:
    main()
except SystemExit as done:
    print("exit", done.code, "cryptography" in sys.modules)
"""


def check_loading_signer(project: Path) -> tuple[int, bool]:
    """Exit code of a check of `project`, and whether it imported cryptography."""
    done = subprocess.run([sys.executable, "-c", CHECK_THEN_IMPORTS], cwd=project,
                          capture_output=True, text=True, env=lacuna_environment(), timeout=120)
    _, code, loaded = done.stdout.splitlines()[-1].split()
    return int(code), loaded == "True"


def verify(lacuna, project: Path, *keys: Path) -> tuple[int, dict]:
    options = [item for key in keys for item in ("--pubkey", str(key))]
    result = lacuna("audit", "verify", "-f", "json", *options, cwd=project)
    assert not result.stderr, result.stderr
    return result.code, json.loads(result.stdout)


def test_a_key_made_after_records_exist_verifies_the_untouched_log(shop: Path, lacuna,
                                                                   tmp_path: Path) -> None:
    assert lacuna("check", ".", cwd=shop).code == 1  # the README's order: check, then keygen
    shutil.copy(shop / DB, tmp_path / "before-key.duckdb")
    made = lacuna("audit", "keygen", cwd=shop)
    assert made.code == 0 and "its checkpoint at seq 29 covers every record so far" in made.stdout
    auditor = tmp_path / "auditor.pub"
    shutil.copy(shop / PUBLIC, auditor)
    code, document = verify(lacuna, shop, auditor)
    assert code == 0, document["problems"]
    assert (document["signed_checkpoints"], document["checkpoints_before_key"]) == (1, 1)
    text = lacuna("audit", "verify", "--pubkey", str(auditor), cwd=shop)
    assert text.code == 0 and "1 checkpoint from before the key" in text.stdout
    key_event = json.loads(lacuna("audit", "log", "-f", "json", cwd=shop).stdout)["records"][-1]
    assert (key_event["event_type"], key_event["action"]) == ("key", "keygen")
    assert lacuna("check", ".", cwd=shop).code == 1
    assert verify(lacuna, shop, auditor)[0] == 0
    # The log as it was before the key: intact, not signed by it — not called tampered.
    shutil.copy(tmp_path / "before-key.duckdb", shop / DB)
    unsigned = lacuna("audit", "verify", "--pubkey", str(auditor), cwd=shop)
    assert unsigned.code == 1 and unsigned.stdout.startswith("UNSIGNED: 28 records, hash chain")
    assert "TAMPERED" not in unsigned.stdout and "forged" not in unsigned.stdout
    code, document = verify(lacuna, shop, auditor)
    assert [p["kind"] for p in document["problems"]] == ["unsigned"]


def test_a_rotated_key_verifies_with_every_key_in_use(shop: Path, lacuna, tmp_path: Path) -> None:
    assert lacuna("audit", "keygen", cwd=shop).code == 0
    assert lacuna("check", ".", cwd=shop).code == 1
    old = tmp_path / "old.pub"
    shutil.copy(shop / PUBLIC, old)
    assert lacuna("audit", "keygen", cwd=shop).code == 2  # never replaced by accident
    rotated = lacuna("audit", "keygen", "--force", cwd=shop)
    assert rotated.code == 0 and "replaces key" in rotated.stdout
    assert lacuna("check", ".", cwd=shop).code == 1
    new = shop / PUBLIC
    assert verify(lacuna, shop)[0] == 0  # the key beside the database: the new one
    assert verify(lacuna, shop, new)[0] == 0  # checkpoints before its first are covered by it
    assert verify(lacuna, shop, old, new)[0] == 0
    code, document = verify(lacuna, shop, old)  # the old key alone cannot vouch for the rest
    assert code == 1 and document["problems"][0]["kind"] == "forged-checkpoint"
    assert "pass every public key in use since" in document["problems"][0]["detail"]


def test_report_exits_1_when_its_verification_fails(shop: Path, lacuna, tmp_path: Path) -> None:
    assert lacuna("check", ".", cwd=shop).code == 1
    assert lacuna("audit", "keygen", cwd=shop).code == 0
    other = tmp_path / "other"
    other.mkdir()
    assert lacuna("audit", "keygen", cwd=other).code == 0
    stranger = other / PUBLIC
    good = lacuna("audit", "report", "--standard", "gdpr", "--pubkey", str(shop / PUBLIC),
                  cwd=shop)
    assert good.code == 0 and "**Log integrity:** verified" in good.stdout
    failed = lacuna("audit", "report", "--standard", "gdpr", "--pubkey", str(stranger), cwd=shop)
    assert failed.code == 1 and "**Log integrity:** FAILED at seq" in failed.stdout
    assert failed.code == lacuna("audit", "verify", "--pubkey", str(stranger), cwd=shop).code


def test_only_a_check_that_signs_loads_the_signing_library(shop: Path, lacuna,
                                                            tmp_path: Path) -> None:
    """Every check imports the audit modules; the signing library is loaded when there is a
    key to sign with, and then the checkpoint is signed."""
    assert check_loading_signer(shop) == (1, False)
    assert lacuna("audit", "keygen", cwd=shop).code == 0
    auditor = tmp_path / "auditor.pub"
    shutil.copy(shop / PUBLIC, auditor)
    assert check_loading_signer(shop) == (1, True)
    code, document = verify(lacuna, shop, auditor)
    assert code == 0, document["problems"]
    assert (document["signed_checkpoints"], document["checkpoints_before_key"]) == (2, 1)
