"""The data types a finding's data carries, as every report names them: the catalog's name
of each sensitive column's type and its fideslang data category."""

from __future__ import annotations

from lacuna_cli.models import Classification


def data_types_text(classification: Classification) -> str:
    """`email: Email address (user.contact.email); ssn: Social security number (...)`, or ""."""
    return "; ".join(f"{column}: {kind.name} ({kind.fideslang or 'no fideslang category'})"
                     for column, kind in classification.data_types.items())


def data_types_json(classification: Classification) -> dict[str, dict[str, str | None]]:
    return {column: {"name": kind.name, "fideslang": kind.fideslang}
            for column, kind in classification.data_types.items()}
