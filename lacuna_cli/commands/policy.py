"""Work with the Rego policies: evaluate one input, run the policy tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from lacuna_cli.commands.common import DataFormat, FormatOption, console, project_config
from lacuna_cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS, LacunaError

if TYPE_CHECKING:
    from lacuna_cli.models import Decision

app = typer.Typer(help="Work with the Rego policies.", no_args_is_help=True)
MAX_INPUT_BYTES = 64 * 2**20  # a batch of many operations fits; a runaway file does not

OpaUrlOption = Annotated[str | None, typer.Option(
    "--opa-url", help="Evaluate on this OPA server (its REST API) instead of in process; "
                      "bearer token from LACUNA_OPA_TOKEN.")]


@app.command("eval")
def eval_command(
    ctx: typer.Context,
    input_file: Annotated[Path, typer.Option("--input", "-i", help="A policy input document, "
                                             "or a batch {\"operations\": [...]} (JSON, the "
                                             "schema in the README).",
                                             exists=False, dir_okay=False)],
    output_format: FormatOption = DataFormat.text,
    opa_url: OpaUrlOption = None,
) -> None:
    """Print the decision for a policy input (or each of a batch); exit 1 when one is denied,
    2 when the document does not follow the schema."""
    from lacuna_cli.output import json as json_output
    from lacuna_cli.policy.decide import decide
    from lacuna_cli.policy.engine import load_policies
    from lacuna_cli.policy.input_schema import InvalidInput, validated_operations

    try:
        operations, batch = validated_operations(_read_json(input_file))
    except InvalidInput as exc:
        raise LacunaError(f"{input_file}: {exc}") from None
    policies, engine = load_policies(project_config(ctx), opa_url)
    decisions = decide(engine, policies, operations)
    if output_format is DataFormat.json:
        shown = [d.model_dump(mode="json") for d in decisions]
        print(json_output.dumps({"decisions": shown} if batch else shown[0]))
    else:
        for index, decision in enumerate(decisions):
            _print_decision(decision, f"operations[{index}]: " if batch else "")
    denied = any(not decision.allowed for decision in decisions)
    raise typer.Exit(EXIT_VIOLATIONS if denied else EXIT_CLEAN)


def _read_json(path: Path) -> object:
    """The JSON document in `path`; any reason it cannot be read is one line, exit 2."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise LacunaError(f"{path}: cannot read: {exc.strerror}") from exc
    if len(raw) > MAX_INPUT_BYTES:
        raise LacunaError(f"{path}: larger than {MAX_INPUT_BYTES // 2**20} MB")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
        orjson.dumps(document)  # what the engines are sent: no lone surrogate (`"\ud800"`)
        return document
    except TypeError as exc:
        raise LacunaError(f"{path}: invalid JSON: {exc}") from None
    except UnicodeDecodeError as exc:
        raise LacunaError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise LacunaError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise LacunaError(f"{path}: invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise LacunaError(f"{path}: invalid JSON: {exc}") from None


def _print_decision(decision: Decision, prefix: str) -> None:
    out = console()
    verdict = "[green]allowed[/green]" if decision.allowed else "[bold red]denied[/bold red]"
    out.print(f"{prefix}{verdict} by {decision.policy_id} v{decision.policy_version}: "
              f"{decision.reasoning}")
    for number, alternative in enumerate(decision.alternatives, start=1):
        out.print(f"  {number}. {alternative}")
    if decision.steward:
        out.print(f"  Data steward: {decision.steward}")


@app.command("test")
def test_command(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Policy folders whose *_test.rego files to run (default: the shipped policies "
             "and the project's policy folders). The shipped policies are always loaded.")] = None,
    run: Annotated[str | None, typer.Option(
        "--run", "-r", help="Only tests whose full name (data.pkg.test_x) matches this "
                            "regular expression.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="List every test, not only failures.")] = False,
    output_format: FormatOption = DataFormat.text,
) -> None:
    """Run the policy tests like `opa test`; exit 1 if any fails."""
    import re

    from lacuna_cli.output import json as json_output
    from lacuna_cli.policy.engine import load_policy_set
    from lacuna_cli.policy.testing import run_tests
    from lacuna_cli.shipped import shipped_dir

    config = project_config(ctx)
    extra = [path.resolve() for path in paths or []]
    trusted = [shipped_dir("policies"), *config.trusted_policy_dirs]
    selected = [str(path) for path in extra] if extra else None
    try:
        pattern = re.compile(run) if run else None
    except re.error as exc:
        raise LacunaError(f"--run: invalid regular expression: {exc}") from exc
    results = run_tests(load_policy_set(trusted, [*config.policy_dirs, *extra]), selected,
                        pattern)
    failed = [r for r in results if r.outcome in ("FAIL", "ERROR")]
    passed = sum(1 for r in results if r.outcome == "PASS")
    if output_format is DataFormat.json:
        print(json_output.dumps({"tests": [{"path": r.path, "name": r.name,
                                            "outcome": r.outcome, "detail": r.detail,
                                            "milliseconds": round(r.seconds * 1000, 3)}
                                           for r in results]}))
    else:
        out = console()
        for result in results if verbose else failed:
            detail = f"\n    {result.detail}" if result.detail else ""
            out.print(f"{result.path}: {result.name}: {result.outcome} "
                      f"({result.seconds * 1000:.1f}ms){detail}", markup=False)
        if results:
            out.print("-" * 80)
        skipped = sum(1 for r in results if r.outcome == "SKIPPED")
        summary = f"{'FAIL' if failed else 'PASS'}: {passed}/{len(results) - skipped}"
        out.print(summary + (f" (SKIPPED: {skipped})" if skipped else ""), markup=False)
    if not results:
        raise LacunaError("no tests found (rules named test_* in *_test.rego files)")
    raise typer.Exit(EXIT_VIOLATIONS if failed else EXIT_CLEAN)
