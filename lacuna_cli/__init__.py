"""Lacuna: a data-governance gatekeeper for code."""

__version__ = "0.1.0"


def load_ipython_extension(ipython) -> None:
    """`%load_ext lacuna_cli`: registers the `%%lacuna` cell magic. IPython is imported only
    here, so the command line never pays for it."""
    from lacuna_cli.ipython import load

    load(ipython)
