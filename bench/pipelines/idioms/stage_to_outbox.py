"""Stages the patient extract for the courier job, which picks up whatever is in the outbox."""
import logging
import shutil
import sys
from pathlib import Path

log = logging.getLogger("stage")


def stage(src, folder):
    """Copy `src` into `folder` under its own name; the folder is created if missing."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    target = shutil.copy(src, Path(folder) / Path(src).name)
    log.info("staged %s -> %s", src, target)
    return target


if __name__ == "__main__":
    outbox = sys.argv[1] if len(sys.argv) > 1 else "/tmp/courier_outbox"
    stage("data/patients.csv", "/tmp/courier_outbox")
    stage("data/customers.csv", outbox)
