"""`lacuna catalog import`: each catalog format on a small file, through the CLI; imported
classifications are layer `catalog`, shown by `classify explain`, beaten only by overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

EXPORT = '''import pandas as pd
import sqlalchemy

engine = sqlalchemy.create_engine("postgresql://warehouse")
frame = pd.read_sql("SELECT * FROM stage.t_items", engine)
frame.to_csv("~/Downloads/items.csv")
'''

# One small export per format, each saying that stage.t_items.email is personal data.
EXPORTS = {
    "manifest.json": '''{"metadata": {"dbt_schema_version": "v12"},
 "nodes": {"model.shop.t_items": {"resource_type": "model", "name": "t_items",
   "database": "wh", "schema": "stage", "relation_name": "\\"wh\\".\\"stage\\".\\"t_items\\"",
   "tags": ["nightly"], "meta": {},
   "columns": {"email": {"name": "email", "tags": [], "meta": {"contains_pii": true}}}}},
 "sources": {}}''',
    "schema.yml": '''version: 2
models:
  - name: t_items
    columns:
      - name: email
        tags: [pii]
''',
    "tag_references.csv": (
        "TAG_DATABASE,TAG_SCHEMA,TAG_ID,TAG_NAME,TAG_VALUE,OBJECT_DATABASE,OBJECT_SCHEMA,"
        "OBJECT_ID,OBJECT_NAME,OBJECT_DELETED,DOMAIN,COLUMN_ID,COLUMN_NAME,APPLY_METHOD\n"
        "GOV,TAGS,1,SEMANTIC_CATEGORY,EMAIL,WH,STAGE,10,T_ITEMS,,COLUMN,3,EMAIL,CLASSIFIED\n"
        "GOV,TAGS,2,COST_CENTER,SALES,WH,STAGE,10,T_ITEMS,,TABLE,,,MANUAL\n"),
    "column_tags.csv": ("catalog_name,schema_name,table_name,column_name,tag_name,tag_value\n"
                        "main,stage,t_items,email,pii,email\n"),
    "openmetadata.json": '''{"data": [{"name": "t_items",
  "fullyQualifiedName": "snowflake_prod.wh.stage.t_items", "tags": [],
  "columns": [{"name": "email", "tags": [{"tagFQN": "PII.Sensitive"}]}]}]}''',
    "datahub.json": '''[{"entityType": "dataset",
  "entityUrn": "urn:li:dataset:(urn:li:dataPlatform:snowflake,wh.stage.t_items,PROD)",
  "aspectName": "schemaMetadata", "aspect": {"json": {"fields": [{"fieldPath": "email",
  "globalTags": {"tags": [{"tag": "urn:li:tag:PII"}]}}]}}}]''',
    "fides.yml": '''dataset:
  - fides_key: stage
    collections:
      - name: t_items
        fields:
          - name: email
            data_categories: [user.contact.email]
          - name: id
            data_categories: [system.operations]
''',
}
FORMATS = {"manifest.json": "dbt-manifest", "schema.yml": "dbt-schema",
           "tag_references.csv": "snowflake", "column_tags.csv": "unity",
           "openmetadata.json": "openmetadata", "datahub.json": "datahub", "fides.yml": "fides"}


def project(root: Path) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.lacuna]\nembeddings = false\n")
    (root / "export.py").write_text(EXPORT)
    return root


def test_without_a_catalog_the_table_is_ordinary_data(tmp_path: Path, lacuna) -> None:
    root = project(tmp_path / "repo")
    checked = lacuna("check", ".", cwd=root)
    assert checked.code == 0 and "0 blocked" in checked.stdout, checked.stdout


@pytest.mark.parametrize("name", list(EXPORTS))
def test_each_catalog_format_classifies_the_table(tmp_path: Path, lacuna, name: str) -> None:
    root = project(tmp_path / "repo")
    (root / name).write_text(EXPORTS[name])
    imported = lacuna("catalog", "import", name, cwd=root)
    assert imported.code == 0, imported.stderr
    assert f"{name} ({FORMATS[name]}): 1 resources classified" in imported.stdout
    checked = lacuna("check", ".", cwd=root)
    assert checked.code == 1, checked.stdout
    assert "BLOCKED export of PROPRIETARY data to ~/Downloads/items.csv" in checked.stdout
    assert "inherited from stage.t_items" in checked.stdout
    assert "Personal columns: email" in checked.stdout
    explained = lacuna("classify", "explain", "stage.t_items", cwd=root)
    assert "stage.t_items: PROPRIETARY [GDPR, PII] — catalog" in explained.stdout
    assert ("catalog (beaten only by an override): PROPRIETARY [GDPR, PII], column email "
            f"[GDPR, PII] — catalog {name}") in explained.stdout


def test_labels_the_mapping_does_not_know_are_listed_and_classify_nothing(
        tmp_path: Path, lacuna) -> None:
    root = project(tmp_path / "repo")
    (root / "tags.csv").write_text(EXPORTS["tag_references.csv"])
    imported = lacuna("catalog", "import", "tags.csv", cwd=root)
    assert ("labels no mapping entry knows (ignored): SEMANTIC_CATEGORY, COST_CENTER, "
            "COST_CENTER:SALES") in imported.stdout


def test_the_mapping_is_data(tmp_path: Path, lacuna) -> None:
    root = project(tmp_path / "repo")
    (root / "schema.yml").write_text("version: 2\nmodels:\n  - name: t_items\n"
                                     "    tags: [finance_restricted]\n")
    (root / "mapping.yaml").write_text("version: 1\nmappings:\n"
                                       "  - labels: ['finance_*']\n"
                                       "    tier: PROPRIETARY\n    tags: [FINANCIAL]\n")
    shipped = lacuna("catalog", "import", "schema.yml", cwd=root)
    assert "0 resources classified" in shipped.stdout
    mapped = lacuna("catalog", "import", "schema.yml", "--mapping", "mapping.yaml", cwd=root)
    assert "1 resources classified" in mapped.stdout, mapped.stderr
    lacuna("check", ".", cwd=root)
    explained = lacuna("classify", "explain", "stage.t_items", cwd=root)
    assert "PROPRIETARY [FINANCIAL] — catalog" in explained.stdout


def test_an_override_beats_the_catalog(tmp_path: Path, lacuna) -> None:
    root = project(tmp_path / "repo")
    (root / "fides.yml").write_text(EXPORTS["fides.yml"])
    assert lacuna("catalog", "import", "fides.yml", cwd=root).code == 0
    assert lacuna("check", ".", cwd=root).code == 1
    overridden = lacuna("classify", "override", "stage.t_items", "--tier", "INTERNAL",
                        "--reason", "test fixtures only", cwd=root)
    assert overridden.code == 0, overridden.stderr
    checked = lacuna("check", ".", cwd=root)
    assert checked.code == 0 and "0 blocked" in checked.stdout, checked.stdout


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("tags.csv", EXPORTS["tag_references.csv"] + "GOV,TAGS,3,PII\n",
     "tags.csv:4: 4 fields where the header has 14"),
    ("tags.csv", "TABLE,TAG\nx,y\n", "tags.csv:1: a CSV header of neither Snowflake"),
    ("catalog.json", ('{"nodes": {"model.a": {"resource_type": "model", "name": "a", '
                      '"columns": {"c": {"name": "c", "tags": "pii", "meta": [1]}}}}}'),
     "catalog.json: nodes.model.a.columns[0].meta: must be a mapping"),
    ("catalog.json", '{"nodes": {', "catalog.json:1: invalid JSON"),
    ("catalog.json", "[" * 100_000, "catalog.json: invalid JSON: nested too deeply"),
    ("fides.yml", "dataset:\n  - name: no key\n",
     "fides.yml: dataset[0]: a dataset needs a `fides_key` string"),
    ("fides.yml", "dataset:\n  - fides_key: shop\n    collections: {users: {}}\n",
     "fides.yml: dataset[0].collections: must be a list"),
    ("tables.json", '[{"fullyQualifiedName": "pg.shop.public.users", "tags": [{"name": "PII"}]}]',
     "tables.json: [0].tags[0]: a tag needs a `tagFQN` string"),
    ("mcps.json", ('[{"entityUrn": "urn:li:dataset:(urn:li:dataPlatform:hive,shop.users,PROD)", '
                   '"aspectName": "schemaMetadata", "aspect": {"json": {"fields": [{"x": 1}]}}}]'),
     "mcps.json: [0].aspect.fields[0]: a field needs a `fieldPath` string"),
    ("schema.yml", "models:\n  - name: [oops\n", "schema.yml:3: invalid YAML"),
])
def test_a_bad_file_is_one_error_line_and_the_others_still_import(
        tmp_path: Path, lacuna, name: str, text: str, expected: str) -> None:
    root = project(tmp_path / "repo")
    (root / name).write_text(text)
    (root / "good.yml").write_text(EXPORTS["fides.yml"])
    imported = lacuna("catalog", "import", name, "good.yml", cwd=root)
    assert imported.code == 2
    lines = imported.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lacuna: error: ") and expected in lines[0], \
        imported.stderr
    assert "good.yml (fides): 1 resources classified" in imported.stdout
    assert lacuna("check", ".", cwd=root).code == 1  # the good file's classification is in


def test_the_repositorys_own_dbt_meta_and_tags_classify_its_models(tmp_path: Path,
                                                                   lacuna) -> None:
    root = tmp_path / "repo"
    (root / "models").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.lacuna]\nembeddings = false\n")
    (root / "dbt_project.yml").write_text("name: shop\nprofile: shop\nmodel-paths: [models]\n")
    (root / "models" / "dim_k7.sql").write_text(
        "select id, contact, country from {{ source('raw', 'src_k7') }}\n")
    (root / "export.py").write_text(EXPORT.replace("stage.t_items", "dim_k7"))
    properties = ("version: 2\nsources:\n  - name: raw\n    tables:\n      - name: src_k7\n"
                  "models:\n  - name: dim_k7\n    columns:\n      - name: contact\n")
    (root / "models" / "schema.yml").write_text(properties)
    assert lacuna("check", ".", cwd=root).code == 0  # `contact` alone says nothing
    (root / "models" / "schema.yml").write_text(
        properties + "        meta:\n          contains_pii: true\n")
    checked = lacuna("check", ".", cwd=root)
    assert checked.code == 1 and "Personal columns: contact" in checked.stdout, checked.stdout
    explained = lacuna("classify", "explain", "dim_k7", cwd=root)
    assert ("catalog (beaten only by an override): PROPRIETARY [GDPR, PII], column contact "
            "[GDPR, PII] — catalog models/schema.yml: contact contains_pii:true"
            ) in explained.stdout
