"""SQL a dbt model runs besides its SELECT, read without running dbt.

Teams unload a model to a partner's bucket from a `post_hook`, or run a statement from the
model's Jinja: `config(post_hook=...)`, `+post-hook:` in `dbt_project.yml` (every level of the
model's folders adds its own), `{% do run_query("...") %}` and `{% call statement(...) %} ...
{% endcall %}`. Each is SQL dbt runs with the model, so each is analysed with it (`{{ this }}` is
the model's relation). One that cannot be read — built at run time, a macro's result — is an
error at its line: what it runs is never taken as nothing.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass

HOOK_KEYS = ("pre_hook", "post_hook", "pre-hook", "post-hook")
STATEMENT_BLOCK = re.compile(r"{%-?\s*call\s+statement\b(.*?)-?%}(.*?){%-?\s*endcall\s*-?%}",
                             re.S)
RUN_QUERY = re.compile(r"{%-?\s*(?:do|set\s+\w+\s*=)\s*(run_query\s*\(.*?\))\s*-?%}", re.S)


@dataclass(frozen=True)
class Hook:
    """SQL the model runs (`sql`, Jinja still in it), or None when it cannot be read; `line` of
    the model file it is written at (1 for `dbt_project.yml`'s), `what` names it in a message."""

    line: int
    sql: str | None
    what: str


def parse_expression(expression: str) -> ast.expr | None:
    """A Jinja expression as Python: Jinja's `~` (string concatenation) read as `+`."""
    for text in (expression, _concatenation_as_plus(expression)):
        try:
            return ast.parse(text, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def _concatenation_as_plus(expression: str) -> str:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(expression).readline))
    except (tokenize.TokenError, SyntaxError):
        return expression
    return tokenize.untokenize((t.type, "+" if t.type == tokenize.OP and t.string == "~"
                                else t.string) for t in tokens)


def hook_texts(node: ast.expr | None, this: Callable[[], str]) -> list[str | None]:
    """The SQL of a hook setting: a string, a list of them, `{"sql": ...}`, with `this` and
    string concatenation resolved; None for each one that cannot be read."""
    if isinstance(node, ast.List | ast.Tuple):
        return [text for item in node.elts for text in hook_texts(item, this)]
    if isinstance(node, ast.Dict):
        found = [v for k, v in zip(node.keys, node.values, strict=True)
                 if isinstance(k, ast.Constant) and k.value == "sql"]
        return hook_texts(found[0], this) if found else [None]
    return [_text(node, this)]


def _text(node: ast.expr | None, this: Callable[[], str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id == "this":
        return this()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left, this), _text(node.right, this)
        return left + right if left is not None and right is not None else None
    return None


def configured_hooks(settings: object) -> list[str | None]:
    """The hooks of one level of `dbt_project.yml`'s model config (`+post-hook:`)."""
    if not isinstance(settings, dict):
        return []
    found: list[str | None] = []
    for key in HOOK_KEYS:
        for spelled in (f"+{key}", key):
            value = settings.get(spelled)
            items = value if isinstance(value, list) else [value] if value is not None else []
            for item in items:
                if isinstance(item, dict):
                    item = item.get("sql")
                found.append(item if isinstance(item, str) else None)
    return found


def block_hooks(text: str, this: Callable[[], str]) -> Iterator[Hook]:
    """`{% call statement(...) %} SQL {% endcall %}` bodies and `run_query("SQL")` calls."""
    for match in STATEMENT_BLOCK.finditer(text):
        line = text.count("\n", 0, match.start(2)) + 1
        yield Hook(line, match.group(2), "a `call statement` block")
    for match in RUN_QUERY.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        call = parse_expression(match.group(1))
        argument = call.args[0] if isinstance(call, ast.Call) and call.args else None
        yield Hook(line, _text(argument, this), "a `run_query` call")
