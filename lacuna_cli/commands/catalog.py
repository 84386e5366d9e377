"""Import the classifications a team already keeps in its catalog (layer `catalog`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lacuna_cli.catalog_import.format_names import CatalogFormat
from lacuna_cli.commands.common import console, project_config
from lacuna_cli.errors import EXIT_ERROR, ConfigError, LacunaError
from lacuna_cli.redact import redact

if TYPE_CHECKING:
    pass

app = typer.Typer(help="Import classifications from data catalogs (dbt, Snowflake, Unity "
                       "Catalog, OpenMetadata, DataHub, fides).", no_args_is_help=True)


@app.command("import")
def import_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Catalog exports: dbt manifest.json or "
                                                     "schema.yml, Snowflake TAG_REFERENCES or "
                                                     "Unity column_tags CSV, OpenMetadata or "
                                                     "DataHub JSON, fides dataset YAML.")],
    central: Annotated[bool, typer.Option(
        "--central", help="Also push them to the central store (LACUNA_CENTRAL_URL or "
                          "central_url in the trusted config).")] = False,
    repo: Annotated[str | None, typer.Option(
        help="Repository name the central store keeps them under (default: this "
             "repository's).")] = None,
    chosen: Annotated[CatalogFormat | None, typer.Option(
        "--format", help="The export's format (default: recognised from the file).")] = None,
    mapping_file: Annotated[Path | None, typer.Option(
        "--mapping", dir_okay=False, help="Label mapping YAML (default: the shipped "
                                          "rules/catalog/tags.yaml).")] = None,
) -> None:
    """Import each file into the local store (replacing what it said before); a file that
    cannot be read is one error line naming it and its line or key, and the others go on
    (exit 2 if any failed). Imported classifications beat every layer but overrides."""
    from lacuna_cli.catalog_import import mapping
    from lacuna_cli.catalog_import.load import import_file, push_imported

    config = project_config(ctx)
    url = config.settings.central_url if central else None
    if central and not url:
        raise LacunaError("--central: no central store configured (set LACUNA_CENTRAL_URL or "
                          "central_url in the trusted config)")
    meanings = mapping.load(mapping_file)
    failed = False
    for path in files:
        source = _shown(path, config.root)
        try:
            imported = import_file(path, source, chosen, meanings, config.db_path)
        except ConfigError as exc:
            print(f"lacuna: error: {redact(str(exc))}", file=sys.stderr)
            failed = True
            continue
        mapped = imported.mapped
        console().print(f"{source} ({imported.found.value}): {len(mapped.known)} resources "
                        f"classified from {imported.tagged} tagged tables and columns",
                        markup=False)
        if mapped.unmapped:
            shown = ", ".join(list(mapped.unmapped)[:10])
            more = f" and {len(mapped.unmapped) - 10} more" if len(mapped.unmapped) > 10 else ""
            console().print(f"  labels no mapping entry knows (ignored): {shown}{more}",
                            markup=False)
        if url:
            name, result = push_imported(config, url, repo, source, mapped)
            state = "unchanged" if result.unchanged else f"pushed {result.nodes} resources"
            console().print(f"  central store: {state} (push {result.push_id} of {name})",
                            markup=False)
    if failed:
        raise typer.Exit(EXIT_ERROR)


def _shown(path: Path, root: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(path)

