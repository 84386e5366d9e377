# one place the DAGs import their inputs from
from loaders import load_customers as customers  # noqa: F401
