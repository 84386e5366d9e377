"""The library catalog: which calls read, write, send, query or transform data, as data.

Every library Lacuna knows is a YAML file under `rules/apis/` (a team adds its own files with
the `apis` config key). A row names call patterns and the effect they have; the interpreter in
`python.py` applies the effect, so teaching Lacuna a library is adding rows, never code.

A pattern is a dotted name as the interpreter resolves it: the module, the class or factory the
object came from, then the attributes and the method (`openai.OpenAI.chat.completions.create`,
`boto3.client.upload_file`). `*` is one segment, `**` any number of them (`**.upload_file`
also matches a client passed in as a parameter); inside a segment `*` matches characters
(`read_*`). Function rows match such names; `methods` rows match a method called on data (a
frame, a relation, a row), on a Spark writer, or on an open file handle.
"""

from __future__ import annotations

import builtins
import hashlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lacuna_cli.errors import ConfigError
from lacuna_cli.extract.stamps import cached_by_edits
from lacuna_cli.shipped import shipped_dir
from lacuna_cli.yamlfile import parse_yaml

Effect = Literal[
    "read", "open", "handle", "query", "execute", "identity", "combine", "copy", "send", "write",
    "dump", "construct", "path", "home", "dynamic", "transform", "aggregate", "client",
    "option", "options", "invoke", "locate", "hold", "part", "persist", "erase", "shell",
    "bound", "delegate", "pipeline_node", "command", "asset",
]
# What a transform row does to the frame it is called on.
# (`pop`: the column named is taken out of it and returned.)
Transform = Literal["join", "filter", "project", "drop", "pop", "group", "aggregate", "assign",
                    "pipe", "collect", "test"]
Category = Literal["llm", "tracker", "hub", "cloud", "database", "saas", "chat", "mail", "log",
                   "stream", "download", "dashboard"]
# An argument: its position, its keyword, or a list of both (the first one given is taken).
ArgRef = int | str | list[int | str]
# Effects that begin a data operation: a file spelling one of them is worth analysing.
ENTRY_EFFECTS = {"read", "open", "handle", "query", "execute", "copy", "send", "write", "dump",
                 "persist", "erase", "shell", "pipeline_node"}
SEGMENT = re.compile(r"[\w*]+")
BUILTINS = frozenset(dir(builtins))
# The member of a union pydantic names in an error's location (`function.int`): not a key.
TYPE_TAG = re.compile(r"^(int|str|list\[.*\]|union\[.*\])$")


def _schema_keyword() -> list[ArgRef]:
    """What qualifies a table unless a row says otherwise: `schema=` (`to_sql`, SQLAlchemy)."""
    return ["schema"]


class Row(BaseModel):
    """One call pattern and its effect (see the README's catalog section for every key)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    match: list[str] = Field(min_length=1)
    does: Effect
    # `methods` rows: called on what (`record`: a row of a declared table model, `obj.save()`;
    # `session`: a parameter that may be an ORM session, `def create(db): db.add(...)`;
    # `model`: a declared table itself, `customers = Table(...); customers.insert()`)
    receiver: Literal["data", "writer", "handle", "record", "session", "model"] = "data"
    data: list[ArgRef] = Field(default_factory=list)  # arguments whose value is sent or written
    files: list[ArgRef] = Field(default_factory=list)  # local paths whose content is sent
    target: list[ArgRef] = Field(default_factory=list)  # arguments naming the resource
    source: list[ArgRef] = Field(default_factory=list)  # copies: arguments naming the origin
    # (and a send with `sql`: what it sends when the call has no query)
    via: list[ArgRef] = Field(default_factory=list)  # the connection or engine a table is
    # written through (`to_sql(name, con)`): a table of a server outside is that server's
    setting: str | None = None  # `client`: the key of a settings dict given as `target` that
    # names the server (`Producer({"bootstrap.servers": host})`)
    # `client`: keywords that name a vendor's hosted server by being given, with its host
    # (`cloud_id`: Elastic Cloud's `cloud.es.io`; Snowflake's `account`: `{0}.
    # snowflakecomputing.com`, `{0}` the account the code writes)
    hosted: dict[str, str] = Field(default_factory=dict)
    stored_at: list[ArgRef] = Field(default_factory=list)  # where a table's files are kept
    # when the call names it (`saveAsTable(name, path=p)`): the data is written there
    # the argument naming the schema or project a table is in (`to_gbq(t, project_id=p)`)
    qualified_by: list[ArgRef] = Field(default_factory=_schema_keyword)
    # a `dataset.table` name is in the project of the client it is written through
    # (`bigquery.Client(project=p)`: the place a `locate` row made the client stand for)
    qualified_by_receiver: bool = False
    name: str | None = None  # resource name from the target arguments: "s3://{0}/{1}";
    # `{receiver}` is the place the object called on stands for (see `locate`), `{member}`
    # the member of the library's object it is called on (`db.customers.find()`: `customers`;
    # the row's service when the code reaches none)
    # argument words the name spells otherwise (`make_archive(b, "gztar")` is `b.tar.gz`)
    spelled: dict[str, str] = Field(default_factory=dict)
    source_name: str | None = None
    source_kind: Literal["file", "table", "url"] = "file"
    # `unknown`: a place whose content this file cannot see (another Airflow task's XCom)
    kind: Literal["file", "table", "url", "stream", "service", "unknown"] = "file"
    columns: list[str] = Field(default_factory=list)  # keywords listing the columns read
    sql: list[ArgRef] = Field(default_factory=list)  # argument holding SQL text (or naming a
    # project `.sql` file); on a `send` or `write` row, what the query returns is sent too
    transform: Transform | None = None
    combine: Literal["join", "union"] | None = None
    # a method that changes the data it is called on and returns nothing (`df.update(other)`,
    # `df.insert(0, "email", people["email"])`), as `inplace=True` makes others do
    in_place: bool = False
    # an aggregate keyed by the values it is called on (`value_counts()`: a count per value),
    # which lists those values: a summary only when they single no one out
    keyed: bool = False
    # a join that renames each column both frames hold, other than its keys, with these
    # suffixes, left then right (pandas' merge: `region_x`, `region_y`); `suffixes_argument`:
    # where a call spells its own
    suffixes: list[str] = Field(default_factory=list, max_length=2)
    suffixes_argument: ArgRef | None = None
    mode: ArgRef | None = None  # `open`: the argument holding the mode
    function: ArgRef | None = None  # `invoke`: the function the library calls (`data` are
    # its positional arguments, `target` a dict of its keyword arguments)
    # `invoke` over iterables: `each` gives the function one item of each `data` argument
    # (`map(f, urls, rows)`), `spread` one item of the iterable as its whole argument list
    # (`starmap(f, [(url, row), ...])`)
    items: Literal["each", "spread"] | None = None
    reason: str | None = None  # `dynamic`: what the value is; `execute`: what runs when the
    # call names no SQL (`callproc(name)`: the stored procedure), data of unknown origin
    path: Literal["join", "dirname", "basename", "cwd", "temp", "each"] = "join"  # `path`: which
    service: str | None = None
    category: Category | None = None
    notebooks: bool = True  # False: the call is only shown to the analyst in a notebook
    # `hold` on a method of data: the argument naming the library object that keeps the data
    # called on (folium's `marker.add_to(m)`), instead of the object the method is called on
    into: ArgRef | None = None
    keeps: bool = False  # `send`: what the call returns keeps the data it was sent (an index
    # built from documents), so a later send or write through it carries that data
    # `delegate`: a method a library base class gives a class of the project, which calls
    # these methods of the object in turn (Luigi's `self.input()` is `self.requires().output()`)
    calls: list[str] = Field(default_factory=list)

    def spell(self, words: Iterable[str]) -> list[str]:
        """Argument words as a resource name writes them (`spelled`)."""
        return [self.spelled.get(word, word) for word in words]

    @field_validator("match", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("match")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            if not all(SEGMENT.fullmatch(part) for part in pattern.split(".")):
                raise ValueError(f"invalid call pattern {pattern!r}: dotted names, * and ** only")
        return value


class CatalogFile(BaseModel):
    """One library (or family of libraries) and the rows that describe its calls."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    library: str
    service: str | None = None
    category: Category | None = None
    modules: list[str] = Field(default_factory=list)  # names whose mention makes a file worth
    functions: list[Row] = Field(default_factory=list)  # analysing, besides the patterns' own
    methods: list[Row] = Field(default_factory=list)
    # Libraries whose calls keep what they are given inside the process (plots, statistics,
    # models, text and date helpers): data handed to them goes nowhere. Data handed to any
    # other library the catalog does not describe is sent to a place Lacuna cannot tell.
    in_process: list[str] = Field(default_factory=list)
    # Modules whose objects give their members by item as by attribute (pymongo:
    # `client["crm"]["customers"]` is `client.crm.customers`).
    item_members: list[str] = Field(default_factory=list)
    # Parts of a column's values that no longer single a person out, spelled as the accessor
    # and its member (`dt.year`: the year of a date of birth; `str.len`): a count per part
    # is a histogram, where a count per date of birth lists each one.
    generalising: list[str] = Field(default_factory=list)
    # Every call of the `modules` reaches the library's service (an SDK of AWS, a SaaS, an LLM
    # vendor): one no row describes, handed data, sends it to a place Lacuna cannot tell, as a
    # call of a library the catalog does not know does.
    remote: bool = False


@dataclass(frozen=True)
class Api:
    """A row as the interpreter applies it: the file's service and category filled in."""

    row: Row
    library: str
    service: str | None
    category: str | None


def _api(row: Row, parsed: CatalogFile) -> Api:
    """A row with its file's service and category, unless the row sets its own."""
    own = row.model_fields_set
    return Api(row, parsed.library,
               row.service if "service" in own else parsed.service,
               row.category if "category" in own else parsed.category)


@dataclass(frozen=True)
class _Pattern:
    pattern: str
    api: Api
    anywhere: bool  # `**.x`: an object of any origin, tried after patterns naming a module

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """Compiled at its first lookup: a run compiles the few patterns its calls reach, not
        the ~500 of the catalog (about 0.2 s of every process's start-up)."""
        return _compile(self.pattern)


def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    for segment in pattern.split("."):
        if segment == "**":
            parts.append(r"(?:\.[^.]+)*")
        elif segment == "*":
            parts.append(r"\.[^.]+")
        else:
            parts.append(r"\." + re.escape(segment).replace(r"\*", "[^.]*"))
    return re.compile("".join(parts))


@dataclass(eq=False)
class Catalog:
    """Rows of every catalog file, indexed for the interpreter's lookups."""

    files: tuple[tuple[str, CatalogFile], ...]
    digest: str
    exact: dict[str, Api] = field(default_factory=dict)
    by_last: dict[str, list[_Pattern]] = field(default_factory=dict)
    wild_last: list[_Pattern] = field(default_factory=list)
    methods: dict[tuple[str, str], Api] = field(default_factory=dict)
    found: dict[str, Api | None] = field(default_factory=dict)  # lookups already answered
    member_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # see `members`

    def __post_init__(self) -> None:
        for _, parsed in self.files:
            for row in parsed.functions:
                api = _api(row, parsed)
                for pattern in row.match:
                    self._index(pattern, api)
            for row in parsed.methods:
                api = _api(row, parsed)
                for name in row.match:
                    self.methods.setdefault((row.receiver, name), api)
        for entries in (*self.by_last.values(), self.wild_last):
            entries.sort(key=lambda entry: entry.anywhere)  # stable: file order otherwise

    def _index(self, pattern: str, api: Api) -> None:
        if "*" not in pattern:
            self.exact.setdefault(pattern, api)
            return
        last = pattern.rsplit(".", 1)[-1]
        entry = _Pattern(pattern, api, pattern.startswith("**"))
        if "*" in last:
            self.wild_last.append(entry)
        else:
            self.by_last.setdefault(last, []).append(entry)

    def function(self, qualname: str) -> Api | None:
        """The row for a call of `qualname`: an exact name first, then patterns that name a
        module, then patterns for objects of any origin, each in file order (a project's own
        files come before the shipped ones)."""
        if qualname not in self.found:
            self.found[qualname] = self.exact.get(qualname) or self._matching(qualname)
        return self.found[qualname]

    def _matching(self, qualname: str) -> Api | None:
        dotted = "." + qualname
        for entry in (*self.by_last.get(qualname.rsplit(".", 1)[-1], ()), *self.wild_last):
            if entry.regex.fullmatch(dotted):
                return entry.api
        return None

    def method(self, name: str, receiver: str = "data") -> Api | None:
        return self.methods.get((receiver, name))

    @cached_property
    def item_members(self) -> frozenset[str]:
        """Every file's `item_members` modules."""
        return frozenset(m for _, parsed in self.files for m in parsed.item_members)

    @cached_property
    def generalising(self) -> frozenset[str]:
        """Every file's `generalising` accessor members (`dt.year`)."""
        return frozenset(g for _, parsed in self.files for g in parsed.generalising)

    @cached_property
    def modules(self) -> frozenset[str]:
        """Module names whose mention makes a file worth analysing (each file's `modules`)."""
        return frozenset(m for _, parsed in self.files for m in parsed.modules)

    @cached_property
    def libraries(self) -> frozenset[str]:
        """The top-level names of every module the catalog speaks of (`modules` and the first
        segment of each pattern): what a call into any other third-party library returns is
        something the catalog cannot tell. Libraries listed `in_process` count as known."""
        roots = {pattern.split(".", 1)[0] for _, parsed in self.files
                 for row in (*parsed.functions, *parsed.methods) for pattern in row.match}
        return frozenset({*(m.split(".", 1)[0] for m in self.modules),
                          *(r for r in roots if "*" not in r),
                          *(m for _, parsed in self.files for m in parsed.in_process)})

    def members(self, qualname: str) -> tuple[str, ...]:
        """The methods of `qualname` (a module or an object a library made) that rows of its
        own library say start a data operation: what `getattr(obj, name)(...)` may call when
        the name is known only at run time."""
        if qualname not in self.member_names:
            root = qualname.split(".", 1)[0]
            prefix = qualname + "."
            names = {key[len(prefix):] for key in self.exact if key.startswith(prefix)}
            # Only a row with a pattern of this library can pass the test below: the names
            # of other libraries' rows are not tried (each try matches patterns).
            names.update(name for name, entries in self.by_last.items() if any(
                pattern.split(".", 1)[0] == root
                for entry in entries for pattern in entry.api.row.match))
            self.member_names[qualname] = tuple(sorted(
                name for name in names if "." not in name and "*" not in name
                and (api := self.function(prefix + name)) is not None
                and api.row.does in ENTRY_EFFECTS
                and any(pattern.split(".", 1)[0] == root for pattern in api.row.match)))
        return self.member_names[qualname]

    @cached_property
    def remote_modules(self) -> tuple[str, ...]:
        """The modules of catalog files marked `remote`."""
        return tuple(m for _, parsed in self.files if parsed.remote for m in parsed.modules)

    def remote_module(self, qualname: str) -> str | None:
        """The module of a `remote` catalog file a name comes from, or None."""
        return next((m for m in self.remote_modules
                     if qualname == m or qualname.startswith(m + ".")), None)

    def unknown_library(self, qualname: str) -> str | None:
        """The third-party library a name comes from when the catalog knows nothing of it (not
        the standard library, not a builtin): what its calls return may be anything, data
        included. None for every other name."""
        root = qualname.split(".", 1)[0]
        if not root.isidentifier() or root in sys.stdlib_module_names or root in BUILTINS \
                or root in self.libraries:
            return None
        return root

    @cached_property
    def entry_calls(self) -> frozenset[str]:
        """Dotted names spelled right before `(` by a call that starts an operation and whose
        module is not in `modules` (`open`, `os.rename`), and the rest of a pattern for objects
        of any origin (`**.chat.completions.create` -> `chat.completions.create`)."""
        tails = set()
        for _, parsed in self.files:
            for row in parsed.functions:
                if row.does not in ENTRY_EFFECTS or (row.category or parsed.category) == "log":
                    continue  # a log call only sinks data that entered elsewhere
                for pattern in row.match:
                    tail = pattern.removeprefix("**.")
                    if "*" not in tail and (pattern != tail or tail.split(".")[0] not in
                                            self.modules):
                        tails.add(tail)
        return frozenset(tails)

    @cached_property
    def write_methods(self) -> frozenset[str]:
        """Methods that write or send the data or the open file they are called on. A Spark
        writer's terminals (`.csv(p)`, `.save()`) are not listed: they follow a spelled
        `.write`/`.writeStream`, and their names are far too common on their own."""
        return frozenset(name for (receiver, name), api in self.methods.items()
                         if receiver != "writer" and api.row.does in ("write", "send"))

    @cached_property
    def log_calls(self) -> frozenset[str]:
        """The last names of the calls that send to a log (`print`, `info`, `echo` ...): a
        helper of another file calling one with its parameter logs what its callers pass."""
        return frozenset(pattern.rsplit(".", 1)[-1] for _, parsed in self.files
                         for row in parsed.functions
                         if (row.category or parsed.category) == "log"
                         for pattern in row.match if "*" not in pattern.rsplit(".", 1)[-1])

    @cached_property
    def delegated(self) -> dict[str, frozenset[str]]:
        """A method of the project's classes that a library base's method calls (`delegate`
        rows) -> the names of those library methods: Luigi's `input` calls a task's
        `requires` and `output`, so a method calling `self.input()` needs them."""
        callers: dict[str, set[str]] = {}
        for _, parsed in self.files:
            for row in parsed.functions:
                if row.does == "delegate":
                    for name in row.calls:
                        callers.setdefault(name, set()).update(
                            pattern.rsplit(".", 1)[-1] for pattern in row.match)
        return {name: frozenset(names) for name, names in callers.items()}

    @cached_property
    def hold_methods(self) -> frozenset[str]:
        """Methods that put data into the object they are called on (`ws.append(row)`,
        `msg.attach(part)`): a statement calling one changes that object."""
        return frozenset(pattern.rsplit(".", 1)[-1] for _, parsed in self.files
                         for row in parsed.functions if row.does == "hold"
                         for pattern in row.match)

    @cached_property
    def data_write_methods(self) -> frozenset[str]:
        """The write and send methods of data itself (`df.to_csv(p)`, `ds.push_to_hub(r)`),
        not of open files (`f.write`): a file calling one may export data that another project
        file produced, so it is analysed even when it spells no other entry point."""
        return frozenset(name for (receiver, name), api in self.methods.items()
                         if receiver == "data" and api.row.does in ("write", "send"))


def catalog_files(extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """A project's own catalog files first (their rows win), then the shipped ones."""
    return (*extra, *sorted(shipped_dir("rules").joinpath("apis").glob("*.yaml")))


@cached_by_edits
def load_catalog(extra: tuple[Path, ...]) -> Catalog:
    """Every catalog file parsed and indexed once per process and version of the project's
    own files (a session that checks again after its team catalog was edited reads it
    again); a bad file or row is a ConfigError naming the file and the key."""
    texts = _texts(extra)
    return Catalog(tuple((str(path), _parse(path, text)) for path, text in texts),
                   _digest(texts))


@cached_by_edits
def catalog_digest(extra: tuple[Path, ...]) -> str:
    """The digest `load_catalog` gives its catalog, from the files' text alone: a run whose
    files all come from the extraction cache (keyed by it) needs no parsing, as every cached
    analysis was made with this very catalog parsed and valid."""
    return _digest(_texts(extra))


def _texts(extra: tuple[Path, ...]) -> list[tuple[Path, str]]:
    texts = []
    for path in catalog_files(extra):
        try:
            texts.append((path, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read catalog file: {exc}") from exc
    return texts


def _digest(texts: list[tuple[Path, str]]) -> str:
    digest = hashlib.sha256()
    for _, text in texts:
        digest.update(text.encode())
    return digest.hexdigest()


def _parse(path: Path, text: str) -> CatalogFile:
    try:
        raw = parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: YAML nested too deeply") from exc
    try:
        return CatalogFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"] if not TYPE_TAG.match(str(part)))
        raise ConfigError(f"{path}: {key or '(top level)'}: {first['msg']}") from exc
