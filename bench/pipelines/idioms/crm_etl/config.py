"""Settings for the CRM ETL. Paths are relative to this folder so the job runs from anywhere."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = BASE_DIR / "data"
EXPORT_DIR = Path("/tmp/crm_exports")

DB = {
    "host": os.environ.get("CRM_HOST", "localhost"),
    "dbname": "crm",
    "user": os.environ.get("CRM_USER", "etl"),
    "password": os.environ.get("CRM_PASSWORD", ""),
}
