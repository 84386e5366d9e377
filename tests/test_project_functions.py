"""Functions and classes imported from another file of the project. What a function there
reads and returns by itself is known where its result is written or sent (`load_customers()` is
`data/customers.csv`); anything else it returns is data of unknown origin (LAC-UNK-001 stops it
leaving), never silently nothing; library calls on objects it returns use the catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_files

HELPERS = '''\
import pandas as pd
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def load_customers():
    return pd.read_csv(DATA / "customers.csv")


class Loader:
    def __init__(self, base):
        self.base = base

    def load(self, name):
        return pd.read_csv(f"{self.base}/{name}.csv")
'''

SPARK_HELPERS = '''\
from pyspark.sql import SparkSession


def get_spark():
    return SparkSession.builder.appName("etl").getOrCreate()
'''

JOBS = {
    "etl/share.py": '''\
from etl.helpers import load_customers, Loader
from etl import helpers
import requests

customers = load_customers()
customers.to_csv("~/Downloads/customers.csv")
people = helpers.load_customers()
people.to_json("/tmp/people.json")
Loader("data").load("customers").to_parquet("s3://scratch/c.parquet")
requests.post("https://partner.example/upload", json=load_customers())
''',
    "etl/report.py": '''\
from etl.helpers import load_customers

load_customers().to_csv("reports/customers_copy.csv", index=False)
''',
    "etl/spark_job.py": '''\
from etl.spark_helpers import get_spark

spark = get_spark()
df = spark.read.csv("data/customers.csv", header=True)
df.write.parquet("s3://scratch-bucket/customers/")
''',
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "customers.csv").write_text("email,name\nana@example.org,Ana\n")
    (tmp_path / "etl").mkdir()
    (tmp_path / "etl" / "helpers.py").write_text(HELPERS)
    (tmp_path / "etl" / "spark_helpers.py").write_text(SPARK_HELPERS)
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    for name, text in JOBS.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def _findings(project: Path, lacuna) -> dict[str, dict]:
    run = lacuna("check", "--format", "json", ".", cwd=project)
    assert run.code == 1, run.stderr
    return {f"{f['operation']['location']['path']}:{f['operation']['location']['line']}": f
            for f in json.loads(run.stdout)["findings"]}


def test_exports_of_what_another_file_reads_are_decided_on_that_data(project: Path,
                                                                     lacuna) -> None:
    findings = _findings(project, lacuna)
    for where in ("etl/share.py:6", "etl/share.py:8", "etl/share.py:10"):
        finding = findings[where]
        assert [s["name"] for s in finding["operation"]["sources"]] == ["data/customers.csv"]
        assert not finding["decision"]["allowed"], where
        assert "PII" in finding["classification"]["tags"], where
    assert findings["etl/share.py:6"]["decision"]["policy_id"] == "LAC-PII-001"


def test_what_cannot_be_told_across_files_is_unknown_and_stopped(project: Path, lacuna) -> None:
    finding = _findings(project, lacuna)["etl/share.py:9"]  # a method of a project class
    assert [s["name"] for s in finding["operation"]["sources"]] == [
        "etl.helpers.Loader.load() (defined in another project file)"]
    assert finding["classification"]["tier"] == "UNKNOWN"
    assert not finding["decision"]["allowed"]
    assert finding["decision"]["policy_id"] == "LAC-UNK-001"


def test_a_change_in_the_other_file_reaches_the_importer(project: Path, lacuna) -> None:
    assert not _findings(project, lacuna)["etl/share.py:6"]["decision"]["allowed"]
    helpers = project / "etl" / "helpers.py"
    helpers.write_text(helpers.read_text().replace('"customers.csv"', '"regions.csv"'))
    (project / "data" / "regions.csv").write_text("region,total\nnorth,3\n")
    finding = _findings(project, lacuna)["etl/share.py:6"]
    assert [s["name"] for s in finding["operation"]["sources"]] == ["data/regions.csv"]


def test_unknown_data_may_still_be_written_inside_the_project(project: Path, lacuna) -> None:
    finding = _findings(project, lacuna)["etl/report.py:3"]
    assert finding["operation"]["destination"]["name"] == "reports/customers_copy.csv"
    assert finding["decision"]["allowed"]


def test_library_calls_on_objects_another_file_made_still_use_the_catalog(
        project: Path, lacuna) -> None:
    findings = _findings(project, lacuna)
    export = findings["etl/spark_job.py:5"]
    assert [s["name"] for s in export["operation"]["sources"]] == ["data/customers.csv"]
    assert not export["decision"]["allowed"]
    assert "PII" in export["classification"]["tags"]


FEATURES = '''\
import pandas as pd


def load(path):
    return pd.read_csv(path)


def add_ratios(df):
    df = df.copy()
    df["per_order"] = df["tickets"] / df["orders"]
    return df
'''

TRAIN = '''\
from pathlib import Path

from features import add_ratios, load

DATA = Path(__file__).parent / "data"


def holdout(df, frac=0.8):
    return df[int(len(df) * frac):]


scored = holdout(add_ratios(load(DATA / "customers.csv")))
scored.to_csv(Path.home() / "Downloads" / "holdout.csv", index=False)
'''


def test_paths_and_frames_flow_through_functions_of_other_files(tmp_path: Path, lacuna) -> None:
    """`load(path)` reads what it is given, `add_ratios(df)` returns what it is given, and the
    result handed to a function of this file is still the customers' data."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "customers.csv").write_text("email,tickets,orders\na@x.org,1,2\n")
    (tmp_path / "features.py").write_text(FEATURES)
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "lacuna.toml").write_text("embeddings = false\n")
    run = lacuna("check", "--format", "json", "train.py", cwd=tmp_path)
    assert run.code == 1, run.stderr
    export = next(f for f in json.loads(run.stdout)["findings"]
                  if f["operation"]["action"] == "export")
    assert export["operation"]["destination"]["name"] == "~/Downloads/holdout.csv"
    assert "PII" in export["classification"]["tags"]
    assert "data/customers.csv" in export["classification"]["reasoning"]
    assert export["decision"]["policy_id"] == "LAC-PII-001"


def _decided(root: Path, lacuna, *paths: str) -> dict[str, dict]:
    run = lacuna("check", "--format", "json", *(paths or (".",)), cwd=root)
    assert run.code in (0, 1), run.stderr
    return {f"{f['operation']['location']['path']}:{f['operation']['location']['line']}": f
            for f in json.loads(run.stdout)["findings"]}


def test_a_job_that_only_calls_project_helpers_is_still_analysed(tmp_path: Path,
                                                                 lacuna) -> None:
    """The job spells no library call at all: one helper reads customers, another posts what
    it is given to a partner. Skipping the job as data-free would let the post through."""
    root = write_files(tmp_path / "repo", {
        "lacuna.toml": "embeddings = false\n",
        "data/customers.csv": "customer_id,email\n1,ana@example.org\n",
        "etl/loaders.py": ("import pandas as pd\n\n\ndef load_customers():\n"
                           "    return pd.read_csv('data/customers.csv')\n"),
        "etl/sources.py": "from etl.loaders import load_customers as customers\n",
        "etl/partner.py": ("import requests\n\n\ndef send_report(df):\n"
                           "    requests.post('https://partner.example/upload', "
                           "data=df.to_csv())\n"),
        "etl/job.py": ("from etl.sources import customers\nfrom etl.partner import send_report\n"
                       "\nsend_report(customers())\n"),
    })
    sent = _decided(root, lacuna)["etl/partner.py:5"]
    assert not sent["decision"]["allowed"]
    assert [s["name"] for s in sent["operation"]["sources"]] == ["data/customers.csv"]
    assert "PII" in sent["classification"]["tags"]


def test_files_a_helper_opens_for_its_caller_are_classified_by_their_header(
        tmp_path: Path, lacuna) -> None:
    """`open(path)` + `csv.DictReader` in a helper, given the path by the caller (here and in
    another file): the file's header still says it holds emails; what is printed, logged or
    posted of it is personal data."""
    root = write_files(tmp_path / "repo", {
        "lacuna.toml": "embeddings = false\n",
        "data/rides.csv": "ride_id,rider_email,fare\n1,ana@example.org,12.5\n",
        "settings.py": "RIDES = 'data/rides.csv'\n",
        "readers.py": ("import csv\n\n\ndef read_rows(path):\n    with open(path) as handle:\n"
                       "        return list(csv.DictReader(handle))\n"),
        "report.py": ("import csv\nimport logging\n\nimport requests\n\n"
                      "from readers import read_rows\nfrom settings import RIDES\n\n\n"
                      "def local_rows(path):\n    with open(path) as handle:\n"
                      "        return list(csv.reader(handle))\n\n\n"
                      "rows = read_rows(RIDES)\n"
                      "print(rows)\n"
                      "logging.info('rides: %s', rows)\n"
                      "print(local_rows(RIDES))\n"
                      "requests.post('https://bi.example/rides', json=read_rows(RIDES))\n"
                      "print(read_rows(RIDES)[:3])\n"
                      "for ride in read_rows(RIDES):\n    print(ride['rider_email'])\n"),
    })
    found = _decided(root, lacuna)
    for line in (16, 17, 18, 19, 20, 22):
        finding = found[f"report.py:{line}"]
        assert not finding["decision"]["allowed"], line
        assert "PII" in finding["classification"]["tags"], line
        assert [s["name"] for s in finding["operation"]["sources"]] == ["data/rides.csv"], line


def test_helpers_that_start_touching_data_reanalyse_their_callers(tmp_path: Path,
                                                                  lacuna) -> None:
    """At first neither helper the job imports touches data, so the job has nothing to
    report; its stored analysis still depends on them. When one starts reading customers and
    the other posting what it is given, the next (warm) run sees the job's send."""
    root = write_files(tmp_path / "repo", {
        "lacuna.toml": "embeddings = false\n",
        "data/customers.csv": "customer_id,email\n1,ana@example.org\n",
        "etl/loaders.py": "def load_customers():\n    return [{'segment': 'retail'}]\n",
        "etl/partner.py": "def send_report(df):\n    return len(df)\n",
        "etl/job.py": ("from etl.loaders import load_customers\n"
                       "from etl.partner import send_report\n\nsend_report(load_customers())\n"),
    })
    assert _decided(root, lacuna) == {}
    (root / "etl/loaders.py").write_text(
        "import pandas as pd\n\n\ndef load_customers():\n"
        "    return pd.read_csv('data/customers.csv')\n")
    (root / "etl/partner.py").write_text(
        "import requests\n\n\ndef send_report(df):\n"
        "    requests.post('https://partner.example/upload', data=df.to_csv())\n")
    sent = _decided(root, lacuna)["etl/partner.py:5"]
    assert not sent["decision"]["allowed"]
    assert [s["name"] for s in sent["operation"]["sources"]] == ["data/customers.csv"]


def test_static_and_class_methods_read_the_path_their_caller_passes(tmp_path: Path,
                                                                    lacuna) -> None:
    """A Kafka-producer-style class reads its records in a staticmethod; callers reach it
    through an instance, through the class, through a classmethod, here and from another
    file. Each print of what they return is the riders' data, not nothing and not unknown."""
    root = write_files(tmp_path / "repo", {
        "lacuna.toml": "embeddings = false\n",
        "data/rides.csv": "ride_id,rider_email\n1,ana@example.org\n",
        "settings.py": "INPUT_DATA_PATH = 'data/rides.csv'\n",
        "records.py": ("import csv\n\n\nclass RecordReader:\n    @staticmethod\n"
                       "    def read_records(resource_path: str):\n"
                       "        with open(resource_path) as handle:\n"
                       "            return list(csv.reader(handle))\n\n"
                       "    def read_lines(self, resource_path):\n"
                       "        with open(resource_path) as handle:\n"
                       "            return handle.readlines()\n"),
        "producer.py": ("import csv\n\nfrom records import RecordReader\n"
                        "from settings import INPUT_DATA_PATH\n\n\nclass Producer:\n"
                        "    @staticmethod\n    def read_records(resource_path: str):\n"
                        "        with open(resource_path) as handle:\n"
                        "            return list(csv.DictReader(handle))\n\n"
                        "    @classmethod\n    def from_path(cls, path):\n"
                        "        return cls.read_records(path)\n\n\n"
                        "producer = Producer()\n"
                        "print(producer.read_records(resource_path=INPUT_DATA_PATH))\n"
                        "print(Producer.read_records(INPUT_DATA_PATH))\n"
                        "print(Producer.from_path(INPUT_DATA_PATH))\n"
                        "print(RecordReader.read_records(INPUT_DATA_PATH))\n"
                        "print(RecordReader().read_lines(INPUT_DATA_PATH))\n"),
    })
    found = _decided(root, lacuna, "producer.py")
    for line in range(19, 24):
        printed = found[f"producer.py:{line}"]
        assert [s["name"] for s in printed["operation"]["sources"]] == ["data/rides.csv"], line
        assert "PII" in printed["classification"]["tags"], line
        assert not printed["decision"]["allowed"], line


def test_checking_only_the_helper_reports_what_its_callers_send_through_it(
        tmp_path: Path, lacuna) -> None:
    """The pre-commit hook checks the files a commit changes. A commit that makes a helper
    post what it is given must be stopped by the data the project's job gives it, though the
    job itself is not part of the check."""
    root = write_files(tmp_path / "repo", {
        "lacuna.toml": "embeddings = false\n",
        "data/customers.csv": "customer_id,email\n1,ana@example.org\n",
        "etl/loaders.py": ("import pandas as pd\n\n\ndef load_customers():\n"
                           "    return pd.read_csv('data/customers.csv')\n"),
        "etl/partner.py": ("import requests\n\n\ndef send_report(df):\n"
                           "    requests.post('https://partner.example/upload', "
                           "data=df.to_csv())\n"),
        "etl/job.py": ("from etl.loaders import load_customers\n"
                       "from etl.partner import send_report\n\nsend_report(load_customers())\n"),
    })
    found = _decided(root, lacuna, "etl/partner.py")
    assert list(found) == ["etl/partner.py:5"]
    sent = found["etl/partner.py:5"]
    assert not sent["decision"]["allowed"]
    assert [s["name"] for s in sent["operation"]["sources"]] == ["data/customers.csv"]


def test_a_staticmethod_of_another_file_sends_what_its_caller_passes(tmp_path: Path,
                                                                     lacuna) -> None:
    """`Exporter.push(df, url)`: a staticmethod has no `self`, so the frame is its first
    parameter; the post in it carries the riders' emails the job read."""
    root = write_files(tmp_path / "repo", {
        "lacuna.toml": "embeddings = false\n",
        "data/rides.csv": "ride_id,rider_email\n1,ana@example.org\n",
        "exporter.py": ("import requests\n\n\nclass Exporter:\n    @staticmethod\n"
                        "    def push(df, url):\n"
                        "        requests.post(url, data=df.to_csv())\n"),
        "job.py": ("import pandas as pd\n\nfrom exporter import Exporter\n\n"
                   "rides = pd.read_csv('data/rides.csv')\n"
                   "Exporter.push(rides, 'https://partner.example/in')\n"),
    })
    sent = [f for f in json.loads(lacuna("check", "--format", "json", ".", cwd=root).stdout)[
        "findings"] if f["operation"]["location"]["path"] == "exporter.py"
        and not f["decision"]["allowed"]]
    assert len(sent) == 1, sent
    assert sent[0]["operation"]["destination"]["name"] == "https://partner.example/in"
    assert [s["name"] for s in sent[0]["operation"]["sources"]] == ["data/rides.csv"]
    assert sent[0]["operation"]["called_from"]["path"] == "job.py"


SHARED_UTILS = {
    "lacuna.toml": "embeddings = false\n",
    "data/customers.csv": "customer_id,email\n1,ana@example.org\n",
    "etl/__init__.py": "from .loaders import *\n",
    "etl/loaders.py": ("import pandas as pd\n\n\ndef _read(name):\n"
                       "    return pd.read_csv(f'data/{name}.csv')\n\n\n"
                       "def load_customers():\n    return _read('customers')\n\n\n"
                       "def slug(text):\n    return text.lower().replace(' ', '-')\n"),
    "etl/partner.py": ("import requests\n\n\ndef send_report(df):\n"
                       "    requests.post('https://partner.example/upload', data=df.to_csv())\n"),
}


@pytest.mark.parametrize("job", [
    ("import etl.loaders\nimport etl.partner\n\n"
     "etl.partner.send_report(etl.loaders.load_customers())\n"),
    "from etl import loaders, partner\n\npartner.send_report(loaders.load_customers())\n",
    ("from etl import load_customers\nfrom etl.partner import send_report\n\n"
     "send_report(load_customers())\n"),
], ids=["module-attributes", "imported-modules", "star-re-export"])
def test_helpers_reached_through_their_module_or_a_package_still_count(
        tmp_path: Path, lacuna, job: str) -> None:
    """`load_customers` reads through a private `_read(name)` of its own file that builds the
    path around its parameter; the job reaches it as a module attribute, through an imported
    module, or re-exported by the package's `*`."""
    root = write_files(tmp_path / "repo", {**SHARED_UTILS, "jobs/nightly.py": job})
    sent = _decided(root, lacuna)["etl/partner.py:5"]
    assert not sent["decision"]["allowed"]
    assert [s["name"] for s in sent["operation"]["sources"]] == ["data/customers.csv"]
    assert sent["operation"]["called_from"]["path"] == "jobs/nightly.py"


@pytest.mark.parametrize("path", ["f'data/{name}.csv'", "'data/' + name + '.csv'",
                                  "os.path.join(DATA, name + '.csv')", "DATA / f'{name}.csv'"])
def test_a_path_built_around_a_parameter_is_the_place_the_caller_names(
        tmp_path: Path, lacuna, path: str) -> None:
    """`load(name)` reads a path it builds from its parameter and constant text: called with
    `"rides"` here and from another file, it reads `data/rides.csv`, whose header says it holds
    riders' emails (the name alone says nothing)."""
    loader = ("import os\nfrom pathlib import Path\n\nimport pandas as pd\n\n"
              f"DATA = {'Path' if path.startswith('DATA /') else 'str'}('data')\n\n\n"
              f"def load(name):\n    return pd.read_csv({path})\n")
    root = write_files(tmp_path / "repo", {
        "lacuna.toml": "embeddings = false\n",
        "data/rides.csv": "ride_id,rider_email,fare\n1,ana@example.org,12.5\n",
        "loader.py": loader + "\n\nload('rides').to_csv('/tmp/rides_here.csv')\n",
        "job.py": ("import requests\n\nfrom loader import load\n\n"
                   "requests.post('https://bi.example/rides', json=load('rides').to_dict())\n"),
    })
    found = _decided(root, lacuna)
    here = found["loader.py:13"]
    sent = found["job.py:5"]
    for finding in (here, sent):
        assert [s["name"] for s in finding["operation"]["sources"]] == ["data/rides.csv"]
        assert "PII" in finding["classification"]["tags"]
        assert not finding["decision"]["allowed"]


def test_a_fallback_binding_in_another_branch_does_not_erase_an_imported_loader(
        tmp_path: Path, lacuna) -> None:
    """`try: from etl.loaders import load_customers / except ImportError: load_customers =
    None`: one of the branches runs, so the loader may be what is called; the same for an
    if/else and for a local frame set to None on one path."""
    loaders = ("import pandas as pd\n\n\ndef load_customers():\n    return pd.read_csv("
               "\"data/customers.csv\")\n")
    job = '''import os

import requests

try:
    from etl.loaders import load_customers
except ImportError:  # run outside the package
    load_customers = None


def main():
    if os.environ.get("DRY_RUN"):
        frame = None
    else:
        frame = load_customers()
    if frame is None:
        frame = None
    requests.post("https://partner.example/upload", data=frame.to_csv())


if __name__ == "__main__":
    main()
'''
    root = write_files(tmp_path, {"etl/__init__.py": "", "etl/loaders.py": loaders,
                                  "data/customers.csv": "customer_id,email,phone\n",
                                  "job.py": job, "lacuna.toml": "embeddings = false\n"})
    run = lacuna("check", "--format", "json", ".", cwd=root)
    assert run.code == 1, run.stderr
    (posted,) = [f for f in json.loads(run.stdout)["findings"]
                 if f["operation"]["action"] == "export"]
    assert [s["name"] for s in posted["operation"]["sources"]] == ["data/customers.csv"]
    assert posted["decision"]["allowed"] is False
