"""Splitting a SQL script into statements, each with the line and column where it starts.

Splitting is done on the token stream (so semicolons in strings and comments never split) and
is block-aware: a procedure body `BEGIN ... END` stays one statement however many semicolons
it holds, so the body can later be re-parsed as a script of its own. T-SQL `GO` batch
separators split too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

NOT_A_BLOCK = {"TRANSACTION", "TRAN", "WORK", "DEFERRED", "IMMEDIATE", "EXCLUSIVE"}
END_OF_LOOP = {"IF", "LOOP", "WHILE", "REPEAT", "FOR"}


@dataclass(frozen=True)
class StatementText:
    """One statement of a script and where it starts (1-based line and column, 0-based offset)."""

    text: str
    line: int
    column: int
    offset: int = 0


def tokenize(sql: str, dialect: str | None) -> list[Token]:
    """Tokens of `sql` in `dialect`, falling back to the generic tokenizer on a token error."""
    from sqlglot.dialects.dialect import Dialect

    try:
        return Dialect.get_or_raise(dialect).tokenize(sql)
    except TokenError:
        if not dialect:
            raise
        return Dialect.get_or_raise(None).tokenize(sql)


def split_statements(sql: str, dialect: str | None = None) -> list[StatementText]:
    """Split on top-level semicolons (and `GO` lines) outside `BEGIN ... END` blocks."""
    tokens = tokenize(sql, dialect)
    statements: list[StatementText] = []
    chunk: list[Token] = []
    depth = 0
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if _is_separator(sql, token, depth):
            statements.extend(_statement(sql, chunk))
            chunk = []
            continue
        chunk.append(token)
        depth = max(depth + _depth_change(token, following, depth), 0)
    statements.extend(_statement(sql, chunk))
    return statements


def _is_separator(sql: str, token: Token, depth: int) -> bool:
    if depth:
        return False
    if token.token_type == TokenType.SEMICOLON:
        return True
    return token.text.upper() == "GO" and _alone_on_line(sql, token)


def _alone_on_line(sql: str, token: Token) -> bool:
    start = sql.rfind("\n", 0, token.start) + 1
    end = sql.find("\n", token.end + 1)
    return sql[start:token.start].strip() == "" and sql[token.end + 1:end if end >= 0 else None
                                                         ].strip() == ""


def _depth_change(token: Token, following: Token | None, depth: int) -> int:
    """+1 when a block opens (`BEGIN` that is not a transaction, `CASE` inside a block), -1 at
    `END` (but not `END IF` / `END LOOP`, whose openers are not counted)."""
    kind = token.token_type
    if is_begin(token):
        after = following.text.upper() if following is not None else ";"
        return 0 if after in NOT_A_BLOCK or after == ";" else 1
    if kind == TokenType.CASE and depth:
        return 1
    if kind == TokenType.END and depth:
        after = following.text.upper() if following is not None else ""
        return 0 if after in END_OF_LOOP else -1
    return 0


def is_begin(token: Token) -> bool:
    """`BEGIN` (some dialects tokenize it as a command keyword)."""
    return (token.token_type in (TokenType.BEGIN, TokenType.COMMAND)
            and token.text.upper() == "BEGIN")


def _statement(sql: str, chunk: list[Token]) -> list[StatementText]:
    if not chunk:
        return []
    start = token_start(sql, chunk[0])
    end = chunk[-1].end + 1
    if end < len(sql) and sql[end - 1] != sql[end] and sql[end] in "'\"`]":
        end += 1  # the closing quote of a trailing quoted token
    return [StatementText(sql[start:end], chunk[0].line, column_of(sql, start), start)]


def token_start(sql: str, token: Token) -> int:
    """Offset where a token begins; quoted identifiers and strings start one char earlier."""
    start = token.start
    if start > 0 and sql[start - 1] in "'\"`[" and token.token_type in (
            TokenType.STRING, TokenType.IDENTIFIER, TokenType.VAR):
        return start - 1
    return start


def column_of(sql: str, offset: int) -> int:
    """1-based column of an offset."""
    return offset - (sql.rfind("\n", 0, offset) + 1) + 1


def line_of(sql: str, offset: int) -> int:
    """1-based line of an offset."""
    return sql.count("\n", 0, offset) + 1


def split_until_error(sql: str, dialect: str | None) -> tuple[list[StatementText], int | None]:
    """The complete statements before an untokenizable spot (an unterminated quote swallows
    the rest of a script), and the line of the statement where it starts (None when clean)."""
    try:
        return split_statements(sql, dialect), None
    except TokenError:
        pass
    ends = [i for i, char in enumerate(sql) if char == "\n"] + [len(sql)]
    good, bad = -1, len(ends) - 1  # the prefix up to ends[good] tokenizes, ends[bad] does not
    while bad - good > 1:
        middle = (good + bad) // 2
        try:
            tokenize(sql[:ends[middle]], dialect)
            good = middle
        except TokenError:
            bad = middle
    prefix = sql[:ends[good]] if good >= 0 else ""
    statements = split_statements(prefix, dialect) if prefix.strip() else []
    if statements and not prefix.rstrip().endswith(";"):
        statements.pop()  # the last one runs on into the bad part
    resume = 0
    if statements:
        last = statements[-1]
        end = last.offset + len(last.text)
        resume = sql.find(";", end) + 1 or end  # a `GO` line ends it without a semicolon
    while resume < len(sql) and sql[resume].isspace():
        resume += 1
    return statements, line_of(sql, resume)
