"""A file's hash is taken from its stored stamp only while its stat says nothing changed."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from lacuna_cli.config import load_config
from lacuna_cli.extract import stamps as stamps_module
from lacuna_cli.extract.stamps import Stamps
from lacuna_cli.scan import check
from lacuna_cli.store import open_store
from lacuna_cli.store.caches import stored_stamps

HOUR_AGO = time.time() - 3600


def aged(path: Path, text: str) -> Path:
    """`text` written at `path`, its modification time an hour back."""
    path.write_text(text)
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    return path


def test_a_settled_file_is_learned_and_then_not_read_again(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setattr(stamps_module, "RACY_SECONDS", 0.0)
    path = aged(tmp_path / "job.py", "import pandas as pd\n")
    first = Stamps()
    read = first.read(path, "job.py")
    assert read.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert first.learned == {"job.py": read}

    def refuse(_path: Path, limit: int = 0) -> bytes:
        raise AssertionError("read although its stamp held")

    monkeypatch.setattr(stamps_module, "read_source", refuse)
    again = Stamps(first.learned)
    assert again.read(path, "job.py") == read
    assert again.learned == {}


def test_a_file_rewritten_with_its_size_and_modification_time_put_back_is_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`touch -d`, `rsync -t`: the modification time can be set back, the change time not."""
    monkeypatch.setattr(stamps_module, "RACY_SECONDS", 0.0)
    path = aged(tmp_path / "job.py", "OUT = 'a.csv'\n")
    first = Stamps()
    before = first.read(path, "job.py")
    time.sleep(0.01)  # a change time tick later
    aged(path, "OUT = 'b.csv'\n")
    after = Stamps(first.learned).read(path, "job.py")
    assert after.content_hash != before.content_hash
    assert after.content_hash == hashlib.sha256(b"OUT = 'b.csv'\n").hexdigest()


def test_a_file_changed_moments_ago_is_hashed_but_its_stamp_not_kept(tmp_path: Path) -> None:
    """Its next change could fall in the same clock tick and leave the same stamp."""
    path = tmp_path / "job.py"
    path.write_text("x = 1\n")
    fresh = Stamps()
    assert fresh.read(path, "job.py").content_hash == hashlib.sha256(b"x = 1\n").hexdigest()
    assert fresh.learned == {}


def test_a_notebook_naming_another_to_run_is_marked(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stamps_module, "RACY_SECONDS", 0.0)
    path = aged(tmp_path / "main.py", "# MAGIC %run ./setup\n")
    assert Stamps().read(path, "main.py").runs


def test_a_check_stores_stamps_and_sees_a_change_that_keeps_size_and_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: the second check trusts the stamps the first stored, and a file rewritten
    with the same size and modification time is analysed again all the same."""
    monkeypatch.setattr(stamps_module, "RACY_SECONDS", 0.0)
    (tmp_path / "jobs").mkdir()
    aged(tmp_path / "jobs" / "load.py",
         "import pandas as pd\ndf = pd.read_csv('data/customers.csv')\n"
         "df.to_csv('/tmp/aaaa.csv')\n")
    aged(tmp_path / "jobs" / "other.py", "import pandas as pd\n"
         "pd.read_csv('data/orders.csv').to_parquet('warehouse/orders.parquet')\n")
    first = check([tmp_path], load_config(tmp_path, tmp_path), None)
    with open_store(tmp_path / ".lacuna" / "lacuna.duckdb") as connection:
        assert set(stored_stamps(connection, ["jobs/load.py", "jobs/other.py"])) == {
            "jobs/load.py", "jobs/other.py"}
    assert {f.operation.destination.name for f in first.findings
            if f.operation.destination} >= {"/tmp/aaaa.csv"}
    time.sleep(0.01)
    aged(tmp_path / "jobs" / "load.py",
         "import pandas as pd\ndf = pd.read_csv('data/customers.csv')\n"
         "df.to_csv('/tmp/bbbb.csv')\n")
    second = check([tmp_path / "jobs" / "load.py"], load_config(tmp_path, tmp_path), None)
    destinations = {f.operation.destination.name for f in second.findings
                    if f.operation.destination}
    assert "/tmp/bbbb.csv" in destinations
    assert "/tmp/aaaa.csv" not in destinations
