"""Lineage and classifications shared through the central store, against a real PostgreSQL
server (.ci/run starts one: LACUNA_TEST_PG_DSN): one repository pushes, another's check is
decided by what it pushed, online and from the cache."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from conftest import postgres_dsn

DSN = postgres_dsn()

psycopg = pytest.importorskip("psycopg")

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/postgres"
# Every test has its own schema (`SCHEMA` below replaced): the store is shared by them all.
BUILD = """CREATE TABLE SCHEMA.dim_party AS
SELECT id, email, full_name, country FROM raw.crm_contacts;
"""
BUILD_WITHOUT_PERSONAL_DATA = """CREATE TABLE SCHEMA.dim_party AS
SELECT id, country FROM raw.crm_regions;
"""
NOTEBOOK = '''import pandas as pd
import sqlalchemy

engine = sqlalchemy.create_engine("postgresql://warehouse")
frame = pd.read_sql("SELECT * FROM SCHEMA.dim_party", engine)
frame.to_csv("~/Downloads/party.csv")
'''


@pytest.fixture(scope="module")
def central() -> str:
    from conftest import run_lacuna

    for _ in range(2):  # idempotent
        made = run_lacuna("audit", "init-central", "--to", DSN)
        assert made.code == 0 and "shared lineage" in made.stdout, made.stderr
    return DSN


def repository(root: Path, files: dict[str, str], schema: str = "analytics") -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.lacuna]\nembeddings = false\n")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text.replace("SCHEMA", schema))
    return root


@pytest.fixture
def repos(tmp_path: Path, lacuna, central) -> tuple[Path, Path, str]:
    """A dbt-like repository building <schema>.dim_party from raw.crm_contacts (pushed under
    a fresh name), and an analysts' repository exporting <schema>.dim_party."""
    name = f"team-a-{uuid.uuid4().hex[:8]}"
    schema = f"s{uuid.uuid4().hex[:8]}"
    builder = repository(tmp_path / "a", {"models/dim_party.sql": BUILD}, schema)
    analysts = repository(tmp_path / "b", {"export.py": NOTEBOOK}, schema)
    assert lacuna("check", ".", cwd=builder).code == 0
    return builder, analysts, name


def table_of(analysts: Path) -> str:
    """The table the analysts' repository exports (in its test's own schema)."""
    text = (analysts / "export.py").read_text()
    return text.split("SELECT * FROM ")[1].split('"')[0]


def with_central(url: str, **extra: str) -> dict[str, str]:
    return {"LACUNA_CENTRAL_URL": url, **extra}


def test_a_table_another_repository_fills_with_personal_data_blocks_its_export(
        repos, lacuna) -> None:
    builder, analysts, name = repos
    table = table_of(analysts)
    alone = lacuna("check", ".", cwd=analysts)
    assert alone.code == 0 and "0 blocked" in alone.stdout  # one repository knows nothing

    pushed = lacuna("lineage", "push", "--to", DSN, "--repo", name, cwd=builder)
    assert pushed.code == 0, pushed.stderr
    assert f"pushed lineage of {name}: 3 nodes and 2 edges" in pushed.stdout

    checked = lacuna("check", ".", cwd=analysts, env=with_central(DSN))
    assert checked.code == 1, checked.stdout + checked.stderr
    assert "BLOCKED export of PROPRIETARY data to ~/Downloads/party.csv" in checked.stdout
    assert f"inherited from {table} ({name}: models/dim_party.sql:1)" in checked.stdout
    assert "Personal columns: email, full_name" in checked.stdout
    report = json.loads(lacuna("check", ".", "--format", "json", cwd=analysts,
                               env=with_central(DSN)).stdout)
    (finding,) = [f for f in report["findings"] if f["decision"]["allowed"] is False]
    assert finding["classification"]["inherited_from"] == [
        f"{table} ({name}: models/dim_party.sql:1)"]
    explained = lacuna("classify", "explain", table, cwd=analysts, env=with_central(DSN))
    assert f"{table}: PROPRIETARY [GDPR, IDENTIFIER, PERSON_LINKED, PII] — central" \
        in explained.stdout  # contacts describe people: the entity tags travel too
    assert f"central store: {name} writes it at models/dim_party.sql:1 from raw.crm_contacts" \
        in explained.stdout


def test_offline_the_cache_decides_and_says_how_old_it_is(repos, lacuna) -> None:
    builder, analysts, name = repos
    assert lacuna("lineage", "push", "--to", DSN, "--repo", name, cwd=builder).code == 0
    assert lacuna("check", ".", cwd=analysts, env=with_central(DSN)).code == 1  # fills the cache

    offline = lacuna("check", ".", cwd=analysts, env=with_central(UNREACHABLE))
    assert offline.code == 1, offline.stdout
    assert "BLOCKED export of PROPRIETARY data" in offline.stdout
    (warning,) = offline.stderr.strip().splitlines()
    assert warning.startswith("lacuna: warning: cannot connect to the central store: ")
    assert "; using the answer cached " in warning and "ago (" in warning
    assert "1 resources)" in warning


def test_with_no_cache_an_unreachable_store_warns_or_fails_as_configured(
        repos, lacuna) -> None:
    _, analysts, _ = repos
    warned = lacuna("check", ".", cwd=analysts,
                    env=with_central("postgresql://lacuna:s3cr3t-pw@127.0.0.1:1/postgres"))
    assert warned.code == 0, warned.stdout
    (warning,) = warned.stderr.strip().splitlines()
    assert "no cached answer" in warning and "central_unreachable = warn" in warning
    failed = lacuna("check", ".", cwd=analysts, env=with_central(
        "postgresql://lacuna:s3cr3t-pw@127.0.0.1:1/postgres",
        LACUNA_CENTRAL_UNREACHABLE="fail"))
    assert failed.code == 2
    (error,) = failed.stderr.strip().splitlines()
    assert error.startswith("lacuna: error: cannot connect to the central store")
    assert "central_unreachable = fail" in error
    assert "s3cr3t-pw" not in warned.stderr + failed.stderr


def test_the_repositorys_own_config_cannot_choose_the_central_store(repos, lacuna) -> None:
    _, analysts, _ = repos
    with (analysts / "pyproject.toml").open("a") as handle:
        handle.write(f'central_url = "{UNREACHABLE}"\n')
    checked = lacuna("check", ".", cwd=analysts)
    assert ("central_url: ignored: a repository's own config cannot choose the central "
            "store") in checked.stderr
    assert "cannot connect" not in checked.stderr


def test_pushing_again_replaces_the_repositorys_view_and_keeps_history(repos, lacuna) -> None:
    builder, analysts, name = repos
    first = lacuna("lineage", "push", "--to", DSN, "--repo", name, cwd=builder)
    again = lacuna("lineage", "push", "--to", DSN, "--repo", name, cwd=builder)
    assert again.code == 0 and "unchanged since push" in again.stdout and \
        "nothing sent" in again.stdout
    assert lacuna("check", ".", cwd=analysts, env=with_central(DSN)).code == 1

    table = table_of(analysts)
    (builder / "models" / "dim_party.sql").write_text(
        BUILD_WITHOUT_PERSONAL_DATA.replace("SCHEMA", table.split(".")[0]))
    assert lacuna("check", ".", cwd=builder).code == 0
    second = lacuna("lineage", "push", "--to", DSN, "--repo", name, cwd=builder)
    assert second.code == 0 and "pushed lineage" in second.stdout, second.stderr
    assert lacuna("check", ".", cwd=analysts, env=with_central(DSN)).code == 0

    with psycopg.connect(DSN) as connection:
        pushes = connection.execute(
            "SELECT push_id, completed_at IS NOT NULL FROM lacuna.lineage_pushes WHERE repo = %s "
            "ORDER BY push_id", [name]).fetchall()
        assert [done for _, done in pushes] == [True, True]
        old, new = (push_id for push_id, _ in pushes)
        assert f"(push {old}," in first.stdout and f"(push {new}," in second.stdout
        current = connection.execute("SELECT push_id FROM lacuna.lineage_current WHERE "
                                     "repo = %s", [name]).fetchone()
        assert current == (new,)
        history = dict(connection.execute(
            "SELECT push_id, array_agg(label ORDER BY label) FROM lacuna.lineage_nodes "
            "WHERE repo = %s AND kind = 'resource' GROUP BY push_id", [name]).fetchall())
        assert history == {old: sorted([table, "raw.crm_contacts"]),
                           new: sorted([table, "raw.crm_regions"])}


def test_an_interrupted_push_resumes(repos, lacuna, monkeypatch) -> None:
    from lacuna_cli.central import push as push_module
    from lacuna_cli.central.snapshot import lineage_snapshot
    from lacuna_cli.config import load_config

    builder, _, name = repos
    snapshot = lineage_snapshot(load_config(root=builder), name)
    monkeypatch.setattr(push_module, "BATCH", 2)
    real_send = push_module._send

    def dying(connection, table, *rest):
        if table == "lineage_edges":
            raise ConnectionError("network gone")
        return real_send(connection, table, *rest)

    monkeypatch.setattr(push_module, "_send", dying)
    with pytest.raises(ConnectionError):
        push_module.push(DSN, name, snapshot)
    with psycopg.connect(DSN) as connection:
        stored = connection.execute("SELECT count(*) FROM lacuna.lineage_nodes WHERE repo = %s",
                                    [name]).fetchone()[0]
        assert stored == len(snapshot.nodes) == 3  # two batches committed, nothing current
        assert connection.execute("SELECT count(*) FROM lacuna.lineage_current WHERE repo = %s",
                                  [name]).fetchone() == (0,)
    monkeypatch.setattr(push_module, "_send", real_send)
    resumed = push_module.push(DSN, name, snapshot)
    assert (resumed.nodes, resumed.edges, resumed.unchanged) == (0, 2, False)
    with psycopg.connect(DSN) as connection:
        assert connection.execute("SELECT count(*) FROM lacuna.lineage_nodes WHERE repo = %s",
                                  [name]).fetchone() == (3,)


def test_org_wide_downstream_and_show_cross_repositories(repos, lacuna, tmp_path: Path) -> None:
    builder, analysts, name = repos
    reader = f"analysts-{uuid.uuid4().hex[:8]}"
    assert lacuna("lineage", "push", "--to", DSN, "--repo", name, cwd=builder).code == 0
    assert lacuna("check", ".", cwd=analysts, env=with_central(DSN)).code == 1
    # `audit push` sends the lineage alongside the records.
    audited = lacuna("audit", "push", "--to", DSN, "--repo", reader, cwd=analysts)
    assert audited.code == 0, audited.stderr
    assert f"pushed lineage of {reader}: 3 nodes and 2 edges" in audited.stdout

    table = table_of(analysts)
    down = lacuna("lineage", "downstream", table, "--central", "--format", "json",
                  cwd=analysts, env=with_central(DSN))
    assert down.code == 0, down.stderr
    answer = json.loads(down.stdout)
    assert answer["read_by"] == [{"repo": reader, "at": "export.py:5"}]
    reached = {n["label"]: n for n in answer["downstream"]}
    party = reached["~/Downloads/party.csv"]
    assert (party["tier"], party["tags"]) == ("PROPRIETARY",
                                              ["GDPR", "IDENTIFIER", "PERSON_LINKED", "PII"])
    assert {"repo": reader, "at": "export.py:6"} in party["written_by"]
    assert party["distance"] == 2

    shown = lacuna("lineage", "show", table, "--central", cwd=analysts, env=with_central(DSN))
    assert shown.code == 0, shown.stderr
    assert f"written by {name}: models/dim_party.sql:1" in shown.stdout
    assert f"read by {reader}: export.py:5" in shown.stdout
    assert "from raw.crm_contacts  PROPRIETARY [GDPR, IDENTIFIER, PERSON_LINKED, PII]" \
        in shown.stdout

    missing = lacuna("lineage", "downstream", "no.such_table", "--central", cwd=analysts,
                     env=with_central(DSN))
    assert missing.code == 2 and "no resource named 'no.such_table'" in missing.stderr


def test_a_catalog_pushed_centrally_classifies_other_repositories(
        repos, lacuna, tmp_path: Path) -> None:
    _, analysts, _ = repos
    stewards = repository(tmp_path / "catalog", {"fides.yml": """dataset:
  - fides_key: """ + table_of(analysts).split(".")[0] + """
    collections:
      - name: dim_party
        fields:
          - name: email
            data_categories: [user.contact.email]
"""})
    name = f"stewards-{uuid.uuid4().hex[:8]}"
    imported = lacuna("catalog", "import", "fides.yml", "--central", "--repo", name,
                      cwd=stewards, env=with_central(DSN))
    assert imported.code == 0, imported.stderr
    assert "central store: pushed 1 resources (push" in imported.stdout
    checked = lacuna("check", ".", cwd=analysts, env=with_central(DSN))
    assert checked.code == 1 and "BLOCKED export of PROPRIETARY data" in checked.stdout


def login_role(prefix: str) -> tuple[str, str]:
    from psycopg import sql

    role = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(DSN, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE lacuna_read").format(
            sql.Identifier(role)))
    parts = urlsplit(DSN)
    return role, urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}"))


def test_readers_see_the_repositories_they_are_granted(repos, lacuna) -> None:
    builder, analysts, name = repos
    assert lacuna("lineage", "push", "--to", DSN, "--repo", name, cwd=builder).code == 0
    role, as_reader = login_role("reader")
    query = "SELECT count(*) FROM lacuna.current_nodes WHERE repo = %s"
    with psycopg.connect(as_reader) as connection:
        assert connection.execute(query, [name]).fetchone() == (0,)
    with psycopg.connect(DSN, autocommit=True) as connection:
        connection.execute("INSERT INTO lacuna.lineage_readers (reader, repo_pattern) "
                           "VALUES (%s, %s)", [role, "team-a-%"])
    with psycopg.connect(as_reader) as connection:
        assert connection.execute(query, [name]).fetchone() == (3,)
        with pytest.raises(psycopg.Error, match="permission denied"):
            connection.execute("SELECT count(*) FROM lacuna.lineage_nodes")
    blocked = lacuna("check", ".", cwd=analysts, env=with_central(as_reader))
    assert blocked.code == 1, blocked.stdout + blocked.stderr


def test_every_character_arrives_as_sent(central) -> None:
    from lacuna_cli.central.push import push
    from lacuna_cli.central.snapshot import Snapshot

    name = f"chars-{uuid.uuid4().hex[:8]}"
    odd = 'q"uote\ttab\nline\\slash,comma{brace}\u0001 Zürich—東京😀 NULL \\N'
    node = (f"file:s3://b/{odd}", "resource", odd, True, "INTERNAL", [odd, "", "NULL"],
            json.dumps({odd: [odd]}), "heuristic", odd, [odd], [f"{odd}:1"])
    edge = (node[0], node[0], "read", odd, 7)
    pushed = push(DSN, name, Snapshot("lineage", [node], [edge]))
    assert (pushed.nodes, pushed.edges) == (1, 1)
    with psycopg.connect(DSN) as connection:
        stored = connection.execute(
            "SELECT key, kind, label, produced, tier, tags, sensitive_columns, layer, reasoning, "
            "inherited_from, written_by FROM lacuna.lineage_nodes WHERE repo = %s",
            [name]).fetchone()
        stored_edge = connection.execute(
            "SELECT source, target, operation, path, line FROM lacuna.lineage_edges "
            "WHERE repo = %s", [name]).fetchone()
    assert stored == (*node[:6], {odd: [odd]}, *node[7:])
    assert stored_edge == edge
