"""Read and verify the tamper-evident audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from lacuna_cli.commands.common import DataFormat, FormatOption, console, project_config
from lacuna_cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS, LacunaError

app = typer.Typer(help="Read and verify the tamper-evident audit log.", no_args_is_help=True)


def _since(value: str | None) -> str | None:
    """Accept a date or an ISO datetime; compare as the stored UTC `...Z` strings do."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise LacunaError(f"--since: not an ISO date or datetime: {value!r}") from exc
    return parsed.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@app.command("log")
def log_command(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Only records at or after this UTC date/"
                                                   "time (ISO 8601).")] = None,
    result: Annotated[str | None, typer.Option(
        help="Only records with this result: allowed, denied or suppressed.")] = None,
    resource: Annotated[str | None, typer.Option(
        help="Only records whose resource contains this text.")] = None,
    output_format: FormatOption = DataFormat.text,
) -> None:
    """List audit records, oldest first."""
    from lacuna_cli.audit import log as audit_log
    from lacuna_cli.output import json as json_output
    from lacuna_cli.store import open_store

    if result is not None and result not in ("allowed", "denied", "suppressed"):
        raise LacunaError("--result must be allowed, denied or suppressed")
    clauses, params = [], []
    for clause, value in (("timestamp >= ?", _since(since)), ("result = ?", result),
                          ("contains(resource, ?)", resource)):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    config = project_config(ctx)
    with open_store(config.db_path) as connection:
        records = list(audit_log.read(connection, where, params))
    if output_format is DataFormat.json:
        print(json_output.dumps({"records": records}))
        return
    table = Table("seq", "time (UTC)", "result", "action", "resource", "tier", "policy", "actor")
    for record in records:
        table.add_row(str(record["seq"]), record["timestamp"][:19], record["result"],
                      record["action"], escape(record["resource"]), record["tier"],
                      record["policy_id"], escape(record["actor"]))
    console().print(table)
    console().print(f"{len(records)} records")


@app.command("verify")
def verify_command(ctx: typer.Context, output_format: FormatOption = DataFormat.text) -> None:
    """Recompute the hash chain; exit 1 and name the first bad record if it was tampered with."""
    from lacuna_cli.audit import chain
    from lacuna_cli.audit import log as audit_log
    from lacuna_cli.output import json as json_output
    from lacuna_cli.store import open_store

    config = project_config(ctx)
    with open_store(config.db_path) as connection:
        verification = chain.verify(audit_log.read(connection))
    document: dict[str, Any] = {
        "ok": verification.ok, "records": verification.records, "checkpoints": 0,
        "problems": [{"seq": p.seq, "kind": p.kind, "detail": p.detail}
                     for p in verification.problems],
    }
    if output_format is DataFormat.json:
        print(json_output.dumps(document))
    elif verification.ok:
        console().print(f"[green]OK[/green]: {verification.records} records, hash chain intact "
                        f"({config.db_path})")
    else:
        first = verification.problems[0]
        console().print(f"[bold red]TAMPERED[/bold red]: first bad record is seq {first.seq} "
                        f"({first.kind}: {first.detail}); {len(verification.problems)} problems "
                        f"in {verification.records} records")
        for problem in verification.problems[1:10]:
            console().print(f"  seq {problem.seq}: {problem.kind}: {problem.detail}")
    raise typer.Exit(EXIT_CLEAN if verification.ok else EXIT_VIOLATIONS)
