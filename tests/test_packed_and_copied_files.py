"""Files that leave without a read call: copied (`shutil.copy`, `copytree`), packed into an
archive (`zipfile`, `tarfile`, `make_archive`). What they carry is what their header says, even
when the file's name says nothing (`export_2024.csv`), and a folder carries the columns of the
data files in it."""

from __future__ import annotations

from pathlib import Path

from conftest import outputs_by_line

HEADER = "customer_id,email,phone,full_name\n"

MOVES = '''\
import shutil
import tarfile
import zipfile

shutil.copy("data/export_2024.csv", "/tmp/e.csv")
shutil.copytree("data", "/tmp/customer_copy")
shutil.make_archive("/tmp/customer_export", "zip", "data")
with zipfile.ZipFile("/tmp/bundle.zip", "w") as zf:
    zf.write("data/export_2024.csv", arcname="customers.csv")
with tarfile.open("/tmp/customers.tar.gz", "w:gz") as tar:
    tar.add("data/export_2024.csv")
with zipfile.ZipFile("reports/bundle.zip", "w") as zf:
    zf.writestr("customers.csv", open("data/export_2024.csv").read())
shutil.copy("data/export_2024.csv", "reports/e.csv")
'''


def test_copies_and_archives_carry_what_the_header_says(tmp_path: Path, lacuna) -> None:
    found = outputs_by_line(lacuna, tmp_path, {"data/export_2024.csv": HEADER,
                                               "move.py": MOVES})
    expected = {5: ("/tmp/e.csv", "data/export_2024.csv", False),
                6: ("/tmp/customer_copy", "data", False),
                7: ("/tmp/customer_export.zip", "data", False),
                9: ("/tmp/bundle.zip", "data/export_2024.csv", False),
                11: ("/tmp/customers.tar.gz", "data/export_2024.csv", False),
                13: ("reports/bundle.zip", "data/export_2024.csv", True),
                14: ("reports/e.csv", "data/export_2024.csv", True)}
    assert set(found) == set(expected)
    for line, (destination, source, allowed) in expected.items():
        operation = found[line]["operation"]
        assert operation["destination"]["name"] == destination, line
        assert [s["name"] for s in operation["sources"]] == [source], line
        assert found[line]["decision"]["allowed"] is allowed, line
        assert found[line]["classification"]["tier"] == "PROPRIETARY", line
