"""Evaluate the policies on one input document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from lacuna_cli.commands.common import DataFormat, FormatOption, console, project_config
from lacuna_cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS, LacunaError

app = typer.Typer(help="Work with the Rego policies.", no_args_is_help=True)


@app.command("eval")
def eval_command(
    ctx: typer.Context,
    input_file: Annotated[Path, typer.Option("--input", "-i", help="A policy input document "
                                             "(JSON, the schema in the README).",
                                             exists=False, dir_okay=False)],
    output_format: FormatOption = DataFormat.text,
) -> None:
    """Print the decision for one policy input; exit 1 when it is denied."""
    from lacuna_cli.output import json as json_output
    from lacuna_cli.policy.decide import decision_for
    from lacuna_cli.scan import load_policies

    try:
        document = json.loads(input_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LacunaError(f"{input_file}: cannot read: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise LacunaError(f"{input_file}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    if not isinstance(document, dict):
        raise LacunaError(f"{input_file}: the input must be a JSON object")
    policies, engine = load_policies(project_config(ctx))
    (violations,) = engine.evaluate([document])
    destination = (document.get("destination") or {}).get("path")
    subject = f"{document.get('action', 'operation')}" + (f" to {destination}"
                                                          if destination else "")
    decision = decision_for(subject, violations, policies)
    if output_format is DataFormat.json:
        print(json_output.dumps(decision.model_dump(mode="json")))
    else:
        verdict = "[green]allowed[/green]" if decision.allowed else "[bold red]denied[/bold red]"
        console().print(f"{verdict} by {decision.policy_id} v{decision.policy_version}: "
                        f"{decision.reasoning}")
        for number, alternative in enumerate(decision.alternatives, start=1):
            console().print(f"  {number}. {alternative}")
    raise typer.Exit(EXIT_CLEAN if decision.allowed else EXIT_VIOLATIONS)
