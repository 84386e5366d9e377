"""Output sinks of the clinical analytics jobs. A sink is configured once and reused."""
import logging
from pathlib import Path

log = logging.getLogger(__name__)


class ParquetSink:
    def __init__(self, root="~/analytics/exports", partition="daily"):
        self.root = Path(root).expanduser()
        self.partition = partition

    def write(self, frame, dataset):
        target = self.root / self.partition / f"{dataset}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(target, index=False)
        log.info("wrote %d rows to %s", len(frame), target)
        return target
