"""SQL hidden inside statements that parsers treat as opaque, and data-moving commands.

Procedure bodies (`CREATE PROCEDURE ... BEGIN ... END`, `AS $$ ... $$`), `EXECUTE IMMEDIATE
'...'` and Redshift's `UNLOAD ('select ...') TO 's3://...'` carry SQL that moves data; it is cut
out here and handed back to be analysed as a script of its own. Commands sqlglot keeps as raw
text (`RENAME TABLE a TO b`, Hive's `EXCHANGE PARTITION`, Vertica's partition-moving functions,
Snowflake's `PUT`/`GET` between local files and stages, MySQL's `LOAD DATA INFILE`) are read into
flows directly. An opaque command that is none of these and names data (FROM, INTO, TO, a stage,
a URL) is one Lacuna does not understand, which the caller reports rather than drops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from lacuna_cli.extract.places import normalise_location, table_resource
from lacuna_cli.extract.sql_split import END_OF_LOOP, NOT_A_BLOCK, is_begin, token_start, tokenize
from lacuna_cli.extract.sql_tables import Flow, location_resource
from lacuna_cli.models import Resource

ROUTINE = re.compile(
    r"^\s*create\s+(or\s+(replace|alter)\s+)?(temp(orary)?\s+)?"
    r"(procedure|proc|function|trigger|task)\b", re.I)
NON_SQL_LANGUAGE = re.compile(r"\blanguage\s+(?!sql\b|plpgsql\b|tsql\b|plsql\b)\w+", re.I)
EXECUTE = re.compile(r"^\s*(execute\s+immediate|exec(ute)?)\b", re.I)
UNLOAD = re.compile(r"^\s*unload\b", re.I)
CONTROL = re.compile(r"^\s*(if|else|elsif|elseif|while)\b", re.I)
STATEMENT_KEYWORDS = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "CREATE", "BEGIN",
                      "SET", "DROP", "TRUNCATE", "EXEC", "EXECUTE", "DECLARE", "COPY", "UNLOAD"}
QUOTED = re.compile(r"'((?:[^']|'')*)'")
DOLLAR_QUOTED = re.compile(r"\$(\w*)\$(.*?)\$\1\$", re.S)
IDENT = r"[\w$#@.\"`\[\]]+"
RENAME = re.compile(r"^\s*rename\s+tables?\s+(.+)$", re.I | re.S)
RENAME_PAIR = re.compile(rf"^\s*({IDENT})\s+to\s+({IDENT})\s*$", re.I)
EXCHANGE = re.compile(
    rf"^\s*alter\s+table\s+({IDENT})\s+exchange\s+partition\b.*?\bwith\s+table\s+({IDENT})",
    re.I | re.S)
PUT = re.compile(r"^\s*put\s+'?(file://[^\s']+)'?\s+'?(@[^\s';]+)", re.I)
GET = re.compile(r"^\s*get\s+'?(@[^\s']+)'?\s+'?(file://[^\s']+)", re.I)
LOAD_INFILE = re.compile(
    rf"^\s*load\s+data\s+(?:low_priority\s+|concurrent\s+)?(?:local\s+)?infile\s+"
    rf"'([^']*)'.*?\binto\s+table\s+({IDENT})", re.I | re.S)
TEXT_COMMANDS = (RENAME, EXCHANGE, PUT, GET, LOAD_INFILE)
# Opaque commands starting with these words never move data (settings, metadata, sessions).
NO_DATA_COMMANDS = {
    "SET", "UNSET", "USE", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "GRANT", "REVOKE", "COMMENT",
    "ANALYZE", "VACUUM", "OPTIMIZE", "REFRESH", "MSCK", "CALL", "BEGIN", "START", "COMMIT",
    "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "LOCK", "UNLOCK", "PRAGMA", "LIST", "LS",
    "REMOVE", "RM", "CHECKPOINT", "DISCARD", "RESET", "LISTEN", "NOTIFY", "UNLISTEN",
    "DEALLOCATE", "CLUSTER", "REINDEX", "ADD", "DECLARE", "PRINT", "RAISERROR", "WAITFOR",
    "FLUSH", "KILL", "ABORT", "SOURCE", "DBCC", "ECHO", "SPOOL", "PROMPT",
}
# Commands of those words that do move data: a procedure called with a query's rows, a table
# granted to a data share (another account reads it), accounts added to a share.
MOVES_DATA = re.compile(r"^\s*(call\b.*\bselect\b|grant\b.*\bto\s+share\b"
                        r"|alter\s+share\b.*\badd\s+accounts?\b)", re.I | re.S)
DATA_WORDS = re.compile(r"\b(from|into|to|join|select|using|exchange|swap|attach|location)\b"
                        r"|@\w|'[a-z][a-z0-9+]*://", re.I)
OPAQUE_START = re.compile(r"^\s*(unload|begin|exec|execute|create|if|else|elsif|elseif|while)\b",
                          re.I)
PARTITION_FUNCTIONS = {  # Vertica: (source argument, target argument)
    "swap_partitions_between_tables": (0, 3),
    "move_partitions_to_table": (0, 3),
    "copy_partitions_to_table": (0, 3),
}


@dataclass(frozen=True)
class Embedded:
    """SQL text found inside a statement, its offset there, and where its result goes."""

    text: str
    offset: int
    target: Resource | None = None


def looks_opaque(text: str) -> bool:
    """A cheap test before tokenizing: only these statements can hide SQL inside them."""
    return bool(OPAQUE_START.match(text)) and (
        text.lstrip()[:6].lower() != "create" or bool(ROUTINE.match(text)))


def embedded_sql(text: str) -> list[Embedded] | None:
    """The SQL inside an opaque statement, or None when the statement is ordinary SQL.

    The generic tokenizer is used on purpose: dialects that know these commands swallow
    everything after the keyword into one opaque token."""
    if EXECUTE.match(text):
        quoted = QUOTED.search(text)
        return [Embedded(quoted.group(1).replace("''", "'"), quoted.start(1))] if quoted else []
    if dollar := DOLLAR_QUOTED.search(text):
        return [Embedded(dollar.group(2), dollar.start(2))] if ROUTINE.match(text) else None
    tokens = tokenize(text, None)
    if UNLOAD.match(text):
        return _unload(text, tokens)
    if routine := ROUTINE.match(text):
        if NON_SQL_LANGUAGE.search(text):
            return []
        return _routine_body(text, tokens, routine.group(5).lower() != "function")
    if tokens and is_begin(tokens[0]) and _block_begin(tokens, 0):
        return _blocks(text, tokens)
    if CONTROL.match(text):
        return _controlled(text, tokens)
    return None


def command_flows(tree: exp.Expr, text: str) -> list[Flow] | None:
    """Flows of commands sqlglot leaves unparsed or sees as plain function calls."""
    if match := RENAME.match(text):
        pairs = [RENAME_PAIR.match(part) for part in match.group(1).split(",")]
        return [Flow("rename", (_name(p.group(1)),), _name(p.group(2))) for p in pairs if p]
    if match := EXCHANGE.match(text):
        return [Flow("exchange", (_name(match.group(2)),), _name(match.group(1)))]
    if match := PUT.match(text):
        return [Flow("put", (location_resource(match.group(1)),),
                     location_resource(match.group(2)))]
    if match := GET.match(text):
        return [Flow("get", (location_resource(match.group(1)),),
                     location_resource(match.group(2)))]
    if match := LOAD_INFILE.match(text):
        return [Flow("load", (location_resource(match.group(1)),), _name(match.group(2)))]
    if isinstance(tree, exp.Select) and not tree.args.get("from_"):
        flows = [_partition_flow(f) for f in tree.find_all(exp.Anonymous)]
        return [f for f in flows if f is not None] or None
    return None


def is_text_command(text: str) -> bool:
    """Commands read from their text alone, without asking a parser."""
    return any(pattern.match(text) for pattern in TEXT_COMMANDS)


def opaque_names_data(text: str) -> bool:
    """Whether an opaque command may move data: it names a source, target, stage or URL and
    is not a settings or metadata command."""
    words = text.split(None, 1)
    if MOVES_DATA.match(text):
        return True
    if not words or words[0].upper().rstrip(";") in NO_DATA_COMMANDS:
        return False
    return bool(DATA_WORDS.search(QUOTED.sub(_keep_url, text)))


def _keep_url(match: re.Match[str]) -> str:
    """A string literal blanked, unless it holds a URL (`'s3://...'` names data)."""
    return match.group(0) if "://" in match.group(1) else "''"


def _partition_flow(call: exp.Anonymous) -> Flow | None:
    positions = PARTITION_FUNCTIONS.get(str(call.this).lower())
    args = call.expressions
    if positions is None or len(args) <= max(positions):
        return None
    source, target = (args[i] for i in positions)
    if not (isinstance(source, exp.Literal) and isinstance(target, exp.Literal)):
        return None
    return Flow("partition", (_name(source.name),), _name(target.name))


def _unload(text: str, tokens: list[Token]) -> list[Embedded]:
    strings = [t for t in tokens if t.token_type == TokenType.STRING]
    if not strings:
        return []
    to = next((i for i, t in enumerate(tokens) if t.text.upper() == "TO"), None)
    after = [t for t in tokens[to + 1:] if t.token_type == TokenType.STRING] if to else []
    target = normalise_location(after[0].text) if after else None
    query = _string(text, strings[0])
    return [Embedded(query.text, query.offset, target)]


def _blocks(text: str, tokens: list[Token]) -> list[Embedded]:
    """Every top-level `BEGIN ... END` block of a statement (`BEGIN TRY ... END TRY BEGIN
    CATCH ... END CATCH` is one statement with two blocks)."""
    found: list[Embedded] = []
    index = 0
    while index < len(tokens):
        if is_begin(tokens[index]) and _block_begin(tokens, index):
            end = _matching_end(tokens, index)
            found.append(_body(text, tokens, index, end))
            index = end + 1 if end is not None else len(tokens)
        else:
            index += 1
    return found


def _body(text: str, tokens: list[Token], begin: int, end: int | None) -> Embedded:
    """The text between `BEGIN [TRY|CATCH]` and its `END`."""
    first = begin + 1 if begin + 1 < len(tokens) and tokens[begin + 1].text.upper() in (
        "TRY", "CATCH") else begin
    start = tokens[first].end + 1
    stop = tokens[end].start if end is not None else len(text)
    return Embedded(text[start:stop], start)


def _controlled(text: str, tokens: list[Token]) -> list[Embedded]:
    """`IF cond stmt`, `ELSE stmt`, `WHILE cond BEGIN ... END`: the statement after the
    condition (the first statement keyword outside parentheses)."""
    depth = 0
    for token in tokens[1:]:
        depth += token.token_type == TokenType.L_PAREN
        depth -= token.token_type == TokenType.R_PAREN
        if not depth and token.text.upper() in STATEMENT_KEYWORDS:
            start = token_start(text, token)
            return [Embedded(text[start:], start)]
    return []


def _routine_body(text: str, tokens: list[Token], body_after_as: bool) -> list[Embedded]:
    """The body of a routine: `BEGIN ... END`, or (procedures and tasks, not functions, whose
    `AS 'x'` names a class) everything after `AS`."""
    for index, token in enumerate(tokens):
        if is_begin(token) and _block_begin(tokens, index):
            return [_body(text, tokens, index, _matching_end(tokens, index))]
    as_index = next((i for i, t in enumerate(tokens) if t.token_type == TokenType.ALIAS), None)
    if body_after_as and as_index is not None and as_index + 1 < len(tokens):
        start = token_start(text, tokens[as_index + 1])
        return [Embedded(text[start:], start)]
    return []


def _block_begin(tokens: list[Token], index: int) -> bool:
    after = tokens[index + 1].text.upper() if index + 1 < len(tokens) else ";"
    return after not in NOT_A_BLOCK and after != ";"


def _matching_end(tokens: list[Token], begin: int) -> int | None:
    depth = 0
    for index in range(begin, len(tokens)):
        token = tokens[index]
        after = tokens[index + 1].text.upper() if index + 1 < len(tokens) else ""
        if (is_begin(token) and _block_begin(tokens, index)) or (
                token.token_type == TokenType.CASE):
            depth += 1
        elif token.token_type == TokenType.END and after not in END_OF_LOOP:
            depth -= 1
            if depth == 0:
                return index
    return None


def _string(text: str, token: Token) -> Embedded:
    """A string token's content and where it starts in `text` (after its opening quote)."""
    start = text.find(token.text, token_start(text, token))
    return Embedded(token.text, max(start, 0))


def _name(written: str) -> Resource:
    return table_resource(written.replace("`", "").replace("[", "").replace("]", ""))
