"""File helpers every job in this repository uses; callers name both ends."""
import shutil
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def csv_to_parquet(src, dst):
    frame = pd.read_csv(src)
    frame.to_parquet(dst, index=False)


def copy_text(src, dst):
    Path(dst).write_text(Path(src).read_text(encoding="utf-8"), encoding="utf-8")


def snapshot(src, folder):
    shutil.copy(src, Path(folder) / Path(src).name)
