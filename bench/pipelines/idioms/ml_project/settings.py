from pathlib import Path

ROOT = Path(__file__).parent
DATA_DIR = ROOT / "data"
MODEL_DIR = ROOT / "models"
RANDOM_STATE = 13
FEATURES = ["tenure_days", "orders_90d", "tickets_90d", "avg_basket"]
