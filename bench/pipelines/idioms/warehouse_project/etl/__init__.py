"""Warehouse ETL helpers: `import etl` gives the readers."""
from .io import *  # noqa: F401,F403
