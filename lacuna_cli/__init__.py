"""Lacuna: a data-governance gatekeeper for code."""

__version__ = "0.1.0"
