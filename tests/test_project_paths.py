"""How analysed files are named in findings and lineage: relative to the project root, a link
by its target inside the project and by its own name when it points outside."""

from __future__ import annotations

from pathlib import Path

from lacuna_cli.extract.places import relative_to_root


def test_files_links_and_outside_paths_are_named_from_the_root(tmp_path: Path) -> None:
    root = (tmp_path / "project").resolve()
    (root / "jobs").mkdir(parents=True)
    (root / "jobs" / "load.py").write_text("")
    (root / "jobs" / "alias.py").symlink_to(root / "jobs" / "load.py")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "shared.py").write_text("")
    (root / "jobs" / "shared.py").symlink_to(outside / "shared.py")
    (root / "linked").symlink_to(root / "jobs", target_is_directory=True)
    (root / "loop.py").symlink_to(root / "loop.py")
    assert relative_to_root(root / "jobs" / "load.py", root) == "jobs/load.py"
    assert relative_to_root(root / "jobs" / "alias.py", root) == "jobs/load.py"
    assert relative_to_root(root / "jobs" / "shared.py", root) == "jobs/shared.py"
    assert relative_to_root(root / "linked" / "load.py", root) == "jobs/load.py"
    assert relative_to_root(root / "loop.py", root) == "loop.py"
    assert relative_to_root(outside / "shared.py", root) == (outside / "shared.py").resolve(
        ).as_posix()
    assert relative_to_root(root / "jobs" / "load.py", Path("/")) == (
        root / "jobs" / "load.py").as_posix()[1:]
    assert relative_to_root(root / "jobsx.py", root / "jobs") == (root / "jobsx.py").as_posix()
