"""Read and verify the tamper-evident audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from lacuna_cli.commands.common import DataFormat, FormatOption, console, project_config
from lacuna_cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS, LacunaError
from lacuna_cli.plural import counted

if TYPE_CHECKING:
    from lacuna_cli.audit.verify import TrustedKey, Verification
    from lacuna_cli.config import Config

app = typer.Typer(help="Read and verify the tamper-evident audit log.", no_args_is_help=True)


def _since(value: str | None, option: str = "--since") -> str | None:
    """Accept a date or an ISO datetime; compare as the stored UTC `...Z` strings do."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise LacunaError(f"{option}: not an ISO date or datetime: {value!r}") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _trusted_key(config: Config, pubkeys: list[Path] | None
                 ) -> tuple[TrustedKey | None, str | None]:
    """The keys checkpoints are checked with: --pubkey (repeatable, after a rotation), or
    else the public key beside the signing key, so a signed log is checked even when nobody
    passes a key (a copy kept off the machine that writes the log is what rules out a log
    re-signed with a new key)."""
    from lacuna_cli.audit.keys import load_public, public_path
    from lacuna_cli.audit.verify import TrustedKey

    if pubkeys:
        first, *rotated = (load_public(path) for path in pubkeys)
        return (TrustedKey(first, rotated=tuple(rotated)),
                ", ".join(str(path) for path in pubkeys))
    local = public_path(config.audit_key_path)
    if local.is_file():
        return TrustedKey(load_public(local), complete=False), str(local)
    return None, None


PubkeyOption = Annotated[list[Path] | None, typer.Option(
    "--pubkey", dir_okay=False, metavar="KEY.pub",
    help="Public key (PEM) the checkpoints must be signed with; keep it off the machine that "
         "writes the log. Repeat it for each key in use since a rotation. Default: the "
         "public key beside the signing key, if any.")]


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
    """List audit records, oldest first (archived ones included)."""
    from lacuna_cli.store.audit_archive import archive_dir, log_source
    from lacuna_cli.store.audit_records import matching
    from lacuna_cli.output import json as json_output
    from lacuna_cli.store import open_store

    if result is not None and result not in ("allowed", "denied", "suppressed"):
        raise LacunaError("--result must be allowed, denied or suppressed")
    config = project_config(ctx)
    with open_store(config.db_path) as connection:
        source = log_source(connection, archive_dir(config.db_path))
        records = matching(connection, source, _since(since), result, resource)
    if output_format is DataFormat.json:
        print(json_output.dumps({"records": records}))
        return
    table = Table("seq", "time (UTC)", "result", "action", "resource", "tier", "policy", "actor")
    for record in records:
        table.add_row(str(record["seq"]), record["timestamp"][:19], record["result"],
                      record["action"], escape(record["resource"]), record["tier"],
                      record["policy_id"], escape(record["actor"]))
    console().print(table)
    console().print(counted(len(records), "record"))


@app.command("verify")
def verify_command(
    ctx: typer.Context,
    pubkey: PubkeyOption = None,
    against: Annotated[Path | None, typer.Option(
        help="An older checkpoint (JSON from `lacuna audit checkpoint`): prove the log only "
             "grew since.", dir_okay=False)] = None,
    output_format: FormatOption = DataFormat.text,
) -> None:
    """Recompute the chain, the Merkle tree and the checkpoints; exit 1 naming the first bad
    record and the kind of tampering (or, with --pubkey, when no checkpoint is signed by the
    key)."""
    from lacuna_cli.store.audit_archive import archive_dir
    from lacuna_cli.audit.consistency import check_against
    from lacuna_cli.audit.verify import verify_stored_log
    from lacuna_cli.output import json as json_output
    from lacuna_cli.store import open_store

    config = project_config(ctx)
    trusted, key_path = _trusted_key(config, pubkey)
    with open_store(config.db_path) as connection:
        verification = verify_stored_log(connection, config.db_path, trusted)
        if against is not None:
            check_against(connection, archive_dir(config.db_path), against, trusted,
                          verification)
    if output_format is DataFormat.json:
        print(json_output.dumps(verification.as_json()))
    else:
        console().print(verification_text(verification, trusted, key_path, config.db_path),
                        markup=False)
    raise typer.Exit(EXIT_CLEAN if verification.ok else EXIT_VIOLATIONS)


def verification_text(verification: Verification, trusted: TrustedKey | None,
                      key_path: str | None, db_path: Path) -> str:
    """OK, UNSIGNED (intact, but nothing signed by the given key) or TAMPERED, in plain
    text."""
    if verification.ok:
        covered = ("covered by its first signed one" if verification.signed
                   else "none signed by it yet")
        before = (f" ({counted(verification.predating, 'checkpoint')} from before the key, "
                  f"{covered})" if trusted is not None and verification.predating else "")
        signed = "" if trusted is None else (
            f", {counted(verification.signed, 'signature')} checked with {key_path}{before}" + (
                "" if trusted.complete else " (beside the database: pass --pubkey with a copy "
                                            "kept elsewhere to rule out a re-signed log)"))
        return (f"OK: {counted(verification.records, 'record')}, "
                f"{counted(verification.checkpoints, 'checkpoint')}"
                f"{signed}; hash chain and Merkle tree intact ({db_path})")
    first = verification.problems[0]
    if not verification.tampered:
        return (f"UNSIGNED: {counted(verification.records, 'record')}, hash chain and Merkle "
                "tree intact, "
                f"but {first.detail}")
    lines = [(f"TAMPERED: first bad record is seq {first.seq} ({first.kind}: {first.detail}); "
              f"{counted(len(verification.problems), 'problem')} in "
              f"{counted(verification.records, 'record')}")]
    lines += [f"  seq {p.seq}: {p.kind}: {p.detail}" for p in verification.problems[1:10]]
    return "\n".join(lines)


@app.command("keygen")
def keygen_command(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option(help="Replace an existing key.")] = False,
) -> None:
    """Create the Ed25519 key that signs checkpoints (path: config `audit_key`), and record it
    in the log with a checkpoint it signs over every record so far (a rotation with --force)."""
    from lacuna_cli.audit.keys import public_path
    from lacuna_cli.audit.rotation import put_in_use
    from lacuna_cli.gitinfo import identify
    from lacuna_cli.store import open_store

    config = project_config(ctx)
    identity = identify(config.root, config.settings.user)
    with open_store(config.db_path, write=True) as connection:
        new_id, previous, record = put_in_use(connection, config.audit_key_path, identity, force)
    replaced = f"; replaces key {previous} (keep its public key for older logs)" if previous else ""
    covers = (f"its checkpoint at seq {record['seq']} covers every record so far" if record
              else "it signs the checkpoint of every run from now on")
    console().print(f"signing key {config.audit_key_path} (key id {new_id}{replaced}); {covers};"
                    f" give auditors the public key {public_path(config.audit_key_path)}",
                    markup=False)


@app.command("checkpoint")
def checkpoint_command(ctx: typer.Context) -> None:
    """Print the latest signed checkpoint as JSON (keep it to check the log grew later)."""
    from lacuna_cli.store import audit_log as audit_store
    from lacuna_cli.output import json as json_output
    from lacuna_cli.store import open_store

    config = project_config(ctx)
    with open_store(config.db_path) as connection:
        latest = audit_store.latest_checkpoint(connection)
    if latest is None:
        raise LacunaError("the audit log has no checkpoint yet (run `lacuna check` first)")
    print(json_output.dumps(latest.as_json()))


@app.command("prove")
def prove_command(
    ctx: typer.Context,
    seq: Annotated[int, typer.Argument(help="The record to prove.", min=1)],
) -> None:
    """Print an RFC 6962 inclusion proof of a record in the latest checkpoint's tree."""
    from lacuna_cli.store.audit_archive import archive_dir
    from lacuna_cli.audit.consistency import inclusion
    from lacuna_cli.output import json as json_output
    from lacuna_cli.store import open_store

    config = project_config(ctx)
    with open_store(config.db_path) as connection:
        proof = inclusion(connection, archive_dir(config.db_path), seq)
    print(json_output.dumps(proof))
    raise typer.Exit(EXIT_CLEAN if proof["verified"] else EXIT_VIOLATIONS)


@app.command("archive")
def archive_command(
    ctx: typer.Context,
    before: Annotated[str, typer.Option(help="Archive records stamped before this UTC date.")],
) -> None:
    """Move old records to Parquet files beside the database; verify still covers them."""
    from lacuna_cli.store.audit_archive import archive_before, archive_dir
    from lacuna_cli.store import open_store

    cutoff = _since(before, "--before")
    config = project_config(ctx)
    with open_store(config.db_path, write=True) as connection:
        path, count = archive_before(connection, cutoff or "", archive_dir(config.db_path))
    console().print(f"archived {counted(count, 'record')}" + (f" to {path}" if path else ""))


CentralOption = Annotated[str, typer.Option(
    "--to", envvar="LACUNA_CENTRAL_URL",
    help="PostgreSQL connection URL of the central store (postgresql://user@host/db).")]


@app.command("init-central")
def init_central_command(to: CentralOption) -> None:
    """Create the append-only central schema in PostgreSQL (idempotent): the audit log and
    the lineage every repository shares."""
    from lacuna_cli.audit.push import init_central
    from lacuna_cli.central.db import init_lineage

    init_central(to)
    init_lineage(to)
    console().print("central schema lacuna.audit_log / lacuna.checkpoints is ready "
                    "(UPDATE, DELETE and TRUNCATE are rejected; records and checkpoints are "
                    "checked on insert), with the shared lineage (lacuna.lineage_*)")


@app.command("grant-push")
def grant_push_command(
    to: CentralOption,
    repo: Annotated[str, typer.Option(help="The chain (repository name) to give.")],
    role: Annotated[str, typer.Option(help="The PostgreSQL login role that pushes it.")],
) -> None:
    """Give a repository's chain in the central store to one login role (run as the store's
    administrator); no other role can add records or checkpoints to it."""
    from lacuna_cli.audit.push import grant_push

    before = grant_push(to, repo, role)
    console().print(f"{repo}: only role {role} (and its members) may push to it"
                    + (f"; it belonged to {before}" if before else ""), markup=False)


@app.command("push")
def push_command(
    ctx: typer.Context,
    to: CentralOption,
    repo: Annotated[str | None, typer.Option(
        help="Repository name in the central store (default: GITHUB_REPOSITORY or the git "
             "work tree's name).")] = None,
    lineage: Annotated[bool, typer.Option(
        help="Push the repository's lineage and classifications too (as `lacuna lineage "
             "push`).")] = True,
) -> None:
    """Copy new records and checkpoints to the central store; refuses a log that fails
    verification. Safe to re-run: nothing is sent twice, an interrupted push resumes. The
    repository's lineage goes alongside (`--no-lineage` to skip)."""
    from lacuna_cli.audit.push import push_verified
    from lacuna_cli.gitinfo import identify

    config = project_config(ctx)
    name = repo or identify(config.root, config.settings.user).repo
    trusted, _ = _trusted_key(config, None)
    verification, result = push_verified(config.db_path, to, name, trusted)
    if result is None:
        assert verification is not None  # a refused push says why
        first = verification.problems[0]
        console().print(f"[bold red]not pushed[/bold red]: the local log fails verification "
                        f"at seq {first.seq} ({first.kind}: {first.detail})")
        raise typer.Exit(EXIT_VIOLATIONS)
    console().print(f"pushed {counted(result.records, 'record')} and "
                    f"{counted(result.checkpoints, 'checkpoint')} of "
                    f"{result.repo}; the central store now holds seq 1..{result.central_head}")
    if lineage:
        from lacuna_cli.commands import lineage_central

        lineage_central.push(config, to, name)


class Standard(str, Enum):
    iso27001 = "iso27001"
    gdpr = "gdpr"
    hipaa = "hipaa"


class ReportFormat(str, Enum):
    md = "md"
    html = "html"
    json = "json"


@app.command("report")
def report_command(
    ctx: typer.Context,
    standard: Annotated[Standard, typer.Option(help="Which standard the evidence is for.")],
    date_from: Annotated[str | None, typer.Option("--from", help="Start of the period (UTC, "
                                                                 "ISO 8601), inclusive.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="End of the period (UTC, ISO "
                                                             "8601), exclusive.")] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.md,
    pubkey: PubkeyOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", dir_okay=False,
                                                help="Write the report to this file.")] = None,
) -> None:
    """An audit report: controls, access attempts, violations, exceptions, classifications
    and the verification of the log itself; exit 1 when that verification fails."""
    from lacuna_cli.audit import report
    from lacuna_cli.store.audit_archive import archive_dir, read_everything
    from lacuna_cli.audit.log import utc_now
    from lacuna_cli.audit.verify import verify_stored_log
    from lacuna_cli.commands.common import write_output
    from lacuna_cli.output import json as json_output
    from lacuna_cli.store import open_store

    period = (_since(date_from, "--from"), _since(date_to, "--to"))
    config = project_config(ctx)
    trusted, _ = _trusted_key(config, pubkey)
    folder = archive_dir(config.db_path)
    with open_store(config.db_path) as connection:
        verification = verify_stored_log(connection, config.db_path, trusted)
        document = report.build(read_everything(connection, folder), verification,
                                standard.value, period, utc_now())
    rendered = {ReportFormat.json: json_output.dumps, ReportFormat.md: report.to_markdown,
                ReportFormat.html: report.to_html}[output_format](document)
    write_output(rendered, output)
    raise typer.Exit(EXIT_CLEAN if verification.ok else EXIT_VIOLATIONS)  # as `audit verify`
