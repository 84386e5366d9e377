"""`lacuna check --shard I/N` + `--from-shards`: the same verdict as one run, or one error line.

Every comparison runs the real CLI twice over the same tree with two databases: once as a
single check, once as N shard runs and a merge (each cold), and compares the JSON reports, the
exit codes and the audit logs.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, Run, run_lacuna

from lacuna_cli.shards import shard_of

pytestmark = pytest.mark.slow


def _monorepo():
    spec = importlib.util.spec_from_file_location("monorepo", REPO / "bench" / "monorepo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through it
    spec.loader.exec_module(module)
    return module


def _single(project: Path, db: Path, env: dict[str, str] | None = None) -> Run:
    return run_lacuna("check", "--format", "json", cwd=project,
                      env={"LACUNA_DB": str(db), **(env or {})}, timeout=900)


def _sharded(project: Path, db: Path, folder: Path, count: int,
             env: dict[str, str] | None = None) -> tuple[Run, list[Run]]:
    environment = {"LACUNA_DB": str(db), **(env or {})}
    shards = [run_lacuna("check", "--shard", f"{index}/{count}", "--shard-dir", str(folder),
                         cwd=project, env=environment, timeout=900)
              for index in range(1, count + 1)]
    for shard in shards:
        assert shard.code == 0, shard.stderr
        assert shard.stdout == ""
    return run_lacuna("check", "--from-shards", str(folder), "--format", "json", cwd=project,
                      env=environment, timeout=900), shards


def _audit(project: Path, db: Path) -> str:
    verified = run_lacuna("audit", "verify", cwd=project, env={"LACUNA_DB": str(db)})
    assert verified.code == 0, verified.stderr
    return verified.stdout.split(";")[0]  # "OK: N records, M checkpoints"


def _same_verdict(project: Path, tmp_path: Path, count: int,
                  env: dict[str, str] | None = None) -> dict:
    single = _single(project, tmp_path / "single.duckdb", env)
    merged, shards = _sharded(project, tmp_path / "sharded.duckdb", tmp_path / "shards",
                              count, env)
    assert (merged.code, merged.stderr) == (single.code, single.stderr)
    assert json.loads(merged.stdout) == json.loads(single.stdout)
    assert _audit(project, tmp_path / "sharded.duckdb") == _audit(project,
                                                                   tmp_path / "single.duckdb")
    assert sum(int(s.stderr.split(": ")[2].split()[0]) for s in shards) == \
        json.loads(single.stdout)["summary"]["files"]
    return json.loads(single.stdout)


@pytest.mark.parametrize("fixture", ["shop", "dbt_shop", "sinks", "python_corpus"])
def test_sharded_check_of_each_fixture_decides_like_one_run(fixture: str, tmp_path: Path
                                                             ) -> None:
    project = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, project, ignore=shutil.ignore_patterns(".lacuna"))
    report = _same_verdict(project, tmp_path, 3)
    assert report["summary"]["operations"] > 0


def test_sharded_check_of_a_2000_file_monorepo_decides_like_one_run(tmp_path: Path) -> None:
    """Lineage crosses shards: a file's denial comes from data another shard's file read."""
    project = tmp_path / "mono"
    assert _monorepo().generate(project, 2000) == 2000
    report = _same_verdict(project, tmp_path, 4, env={"LACUNA_EMBEDDINGS": "false"})
    assert report["summary"]["denied"] > 100 and report["errors"]
    readers = {source["name"]: finding["operation"]["location"]["path"]
               for finding in report["findings"] if finding["operation"]["action"] == "read"
               for source in finding["operation"]["sources"]}
    crossing = [finding for finding in report["findings"]
                if not finding["decision"]["allowed"] and any(
                    shard_of(readers.get(origin, ""), 4)
                    != shard_of(finding["operation"]["location"]["path"], 4)
                    for origin in finding["classification"]["inherited_from"])]
    assert crossing


def _shop_shards(shop: Path, tmp_path: Path, count: int = 3) -> Path:
    folder = tmp_path / "shards"
    for index in range(1, count + 1):
        written = run_lacuna("check", "--shard", f"{index}/{count}", "--shard-dir", str(folder),
                             cwd=shop)
        assert written.code == 0, written.stderr
    return folder


def _one_error(run: Run, *fragments: str) -> None:
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("lacuna: error: "), run.stderr
    for fragment in fragments:
        assert fragment in run.stderr


def test_a_missing_shard_is_an_error_never_a_partial_pass(shop: Path, tmp_path: Path) -> None:
    folder = _shop_shards(shop, tmp_path)
    (folder / "lacuna-shard-2-of-3.jsonl.gz").unlink()
    _one_error(run_lacuna("check", "--from-shards", str(folder), cwd=shop),
               "shard(s) 2 of 3 missing")
    _one_error(run_lacuna("check", "--from-shards", str(tmp_path / "empty"), cwd=shop),
               "shard directory not found")


def test_shards_from_another_config_count_or_checkout_are_refused(shop: Path, tmp_path: Path
                                                                  ) -> None:
    folder = _shop_shards(shop, tmp_path)
    mixed = shutil.copytree(folder, tmp_path / "mixed")
    odd = run_lacuna("check", "--shard", "2/3", "--shard-dir", str(mixed), "--dialect",
                     "snowflake", cwd=shop)
    assert odd.code == 0, odd.stderr
    _one_error(run_lacuna("check", "--from-shards", str(mixed), cwd=shop),
               "lacuna-shard-2-of-3.jsonl.gz", "extraction settings")
    four = run_lacuna("check", "--shard", "4/4", "--shard-dir", str(folder), cwd=shop)
    assert four.code == 0, four.stderr
    _one_error(run_lacuna("check", "--from-shards", str(folder), cwd=shop), "shard count")
    (folder / "lacuna-shard-4-of-4.jsonl.gz").unlink()
    (shop / "pipelines" / "new_job.py").write_text("print('hello')\n")
    _one_error(run_lacuna("check", "--from-shards", str(folder), cwd=shop),
               "list of project files")
    (shop / "pipelines" / "new_job.py").unlink()
    with (shop / "pipelines" / "customer_sales.py").open("a") as handle:
        handle.write("# edited after the shards ran\n")
    _one_error(run_lacuna("check", "--from-shards", str(folder), cwd=shop),
               "pipelines/customer_sales.py: changed since")


def test_an_altered_shard_file_is_refused(shop: Path, tmp_path: Path) -> None:
    folder = _shop_shards(shop, tmp_path)
    target = next(path for path in folder.iterdir()
                  if len(gzip.decompress(path.read_bytes()).splitlines()) > 1)
    lines = gzip.decompress(target.read_bytes()).splitlines()
    target.write_bytes(gzip.compress(b"\n".join([lines[0], *lines[2:]]) + b"\n"))
    _one_error(run_lacuna("check", "--from-shards", str(folder), cwd=shop), "missing from its")
    target.write_bytes(b"not gzip")
    _one_error(run_lacuna("check", "--from-shards", str(folder), cwd=shop),
               "not a readable Lacuna shard file")


def test_unreadable_files_reach_the_merged_report(shop: Path, tmp_path: Path) -> None:
    (shop / "pipelines" / "broken.py").write_text("def broken(:\n")
    (shop / "pipelines" / "blob.py").write_bytes(b"\0\x01\x02")
    single = _single(shop, tmp_path / "single.duckdb")
    merged, _ = _sharded(shop, tmp_path / "sharded.duckdb", tmp_path / "shards", 2)
    assert single.code == merged.code == 1
    errors = json.loads(merged.stdout)["errors"]
    assert {error["path"] for error in errors} == {"pipelines/broken.py", "pipelines/blob.py"}
    assert errors == json.loads(single.stdout)["errors"]


def test_shards_reuse_the_cache_the_merge_stored(shop: Path, tmp_path: Path) -> None:
    folder = _shop_shards(shop, tmp_path, 2)
    assert run_lacuna("check", "--from-shards", str(folder), cwd=shop).code == 1
    again = run_lacuna("check", "--shard", "1/2", "--shard-dir", str(folder), cwd=shop)
    assert again.code == 0 and "(0 analysed, " in again.stderr, again.stderr


@pytest.mark.parametrize(("args", "fragment"), [
    (["--shard", "1/3"], "--shard and --shard-dir go together"),
    (["--shard", "4/3", "--shard-dir", "out"], "--shard 4/3: expected I/N"),
    (["--shard", "1/3", "--shard-dir", "out", "--format", "json"], "--format cannot be"),
    (["--shard", "1/3", "--shard-dir", "out", "--from-shards", "out"], "--from-shards cannot"),
    (["--from-shards", "out", "pipelines"], "PATHS cannot be combined"),
    (["--from-shards", "out", "--dialect", "duckdb"], "--dialect cannot be combined"),
])
def test_options_without_effect_are_refused(shop: Path, args: list[str], fragment: str) -> None:
    _one_error(run_lacuna("check", *args, cwd=shop), fragment)
