"""File staging helpers shared by the courier jobs."""
import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)


def stage(src, folder):
    """Copy `src` into `folder` under its own name and return the new path."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    target = shutil.copy(src, Path(folder) / Path(src).name)
    log.debug("staged %s", target)
    return target


def stage_all(paths, folder):
    for path in paths:
        shutil.copy2(path, os.path.join(folder, os.path.basename(path)))
