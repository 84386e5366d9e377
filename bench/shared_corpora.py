"""Where the benchmarks find the labeled corpora, and what they do on a clone without them.

The corpora are other projects' test data kept beside the repository (`../shared/corpora`,
or the folder named by `LACUNA_CORPORA`), never inside it. A benchmark that measures against
them says which file it needs and exits 0 when it is absent, so every bench script can run on
a fresh clone.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("LACUNA_CORPORA") or REPO.parent / "shared" / "corpora")


def corpus_files(*names: str) -> list[Path]:
    """The named corpus files, or a one-line explanation and exit 0 when one is missing."""
    paths = [CORPORA / name for name in names]
    missing = next((path for path in paths if not path.is_file()), None)
    if missing is not None:
        script = Path(sys.argv[0]).name
        print(f"{script}: skipped: it measures against {missing}, which is not there (the "
              "shared corpora beside the repository; set LACUNA_CORPORA to their folder)")
        sys.exit(0)
    return paths
