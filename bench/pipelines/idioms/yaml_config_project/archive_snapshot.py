"""Weekly snapshot of the project's customer data into the governed warehouse folder."""
import shutil
from pathlib import Path

HERE = Path(__file__).parent

shutil.make_archive("warehouse/customer_snapshots/weekly", "gztar", HERE / "data")
shutil.copytree(HERE / "data", "warehouse/customer_snapshots/latest", dirs_exist_ok=True)
