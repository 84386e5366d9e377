"""Connection settings and file locations shared by the producer and the nightly job."""
from pathlib import Path

INPUT_DATA_PATH = str(Path(__file__).resolve().parent / "data" / "rides.csv")
BOOTSTRAP_SERVERS = ["kafka-1.internal:9092"]
KAFKA_TOPIC = "rides_json"
