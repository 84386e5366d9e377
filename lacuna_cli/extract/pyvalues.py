"""What the Python extractor knows about a name at a point in the code.

The extractor interprets a module abstractly, statement by statement: every name is bound to
one of these values. Anything it cannot know statically becomes `Dynamic` with a reason, so a
write to a computed path is still reported instead of being dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lacuna_cli.models import Location, Resource

if TYPE_CHECKING:  # declared_names reads project modules through pyimports, which uses these
    import libcst as cst

    from lacuna_cli.extract.pypositions import NodeStarts

    from lacuna_cli.extract.declarations import DeclaredSchema


@dataclass(frozen=True)
class Data:
    """Tabular or raw data in memory, derived from `roots`, held in lineage node `node`."""

    node: str
    roots: tuple[Resource, ...]
    columns: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Grouped:
    """`df.groupby(keys)` waiting for its aggregation."""

    data: Data
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Writer:
    """`df.write` / `df.writeStream` (Spark): its terminal method writes `data` somewhere.
    `options` are the `.option(key, value)` calls on the way, which the terminal takes as
    its keyword arguments (`.option("path", p).start()` writes to `p`)."""

    data: Data
    options: tuple[tuple[str, cst.BaseExpression], ...] = ()


@dataclass(frozen=True)
class Handle:
    """An open file or connection; writes through it go to `target`, reads come from it."""

    target: Resource
    writable: bool
    dynamic_reason: str | None = None


@dataclass(frozen=True)
class Method:
    """A write or send of data, or of an open file, named as a value to be called under another
    name: `w = df.to_csv`, `writer = getattr(df, f"to_{fmt}")`, `write = open(p, "w").write`.
    Calling it writes as the method would; read as a column of the frame (or as the file
    itself), the later call wrote nothing that was seen."""

    holder: Data | Handle
    name: str


@dataclass(frozen=True)
class Text:
    """A string known statically (a path, a URL, a SQL statement, a column name)."""

    value: str


@dataclass(frozen=True)
class Strings:
    """A literal list of strings (column lists, `usecols=`)."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class Record:
    """A literal dict of static values by string key (`CONFIG = {"source": "data/x.csv"}`)."""

    items: tuple[tuple[str, Value], ...]

    def get(self, key: str) -> Value | None:
        return next((value for name, value in self.items if name == key), None)


@dataclass(frozen=True)
class Mask:
    """A boolean condition over `data` (`df.x > 1`), used to filter it."""

    data: Data


@dataclass(frozen=True)
class Symbol:
    """A module, a function imported from one, or an object built from one (`boto3.client`).

    `project` marks a name from another file of this project that is not a constant (a
    function, a class, what they return): the interpreter does not follow code across files,
    so what such a call returns is data of unknown origin once it is written or sent — never
    nothing at all.
    """

    qualname: str
    project: bool = False
    place: str | None = None  # what a bucket, blob or container object stands for (`locate`)
    # What a call of a project function was given (position or keyword -> value).
    arguments: tuple[tuple[int | str, Value | None], ...] = ()
    # Data put into a library object that keeps it (a workbook's cells, an index's documents,
    # a message's attachment): a later save or send through the object carries it (`hold`).
    held: Data | None = None


@dataclass(frozen=True)
class Dynamic:
    """A value only known at run time; `reason` says why (argv, environment, unknown call).
    `external` when it comes from outside the program (arguments, environment, stdin, user
    input): then it may itself be data, of a classification no one knows."""

    reason: str
    external: bool = False
    # What the code falls back to (`os.environ.get("DB_URL", "postgresql://...")`): the
    # server a connection made from it goes to when nothing overrides it.
    default: str | None = None
    # Text built with run-time parts, as written, those parts in braces
    # (`https://sqs.{AWS_REGION}.amazonaws.com/246813579024/intake`): what is written of a
    # destination (its server, its account) is known and judged even when the rest is not.
    written: str | None = None


@dataclass(frozen=True)
class Frames:
    """A list or dict that frames are collected into (`frames.append(df)`); `data` is all of
    them so far, or None while it is empty. Collecting is not a join: `pd.concat(frames)` is."""

    data: Data | None = None
    # A dict literal's values by string key, until anything is put into it: `frames["sales"]`
    # of `{"customers": customers, "sales": sales}` is the sales alone.
    keyed: tuple[tuple[str, Value | None], ...] = ()
    # A tuple written out, its values in order (`return customers, sales`).
    positions: tuple[Value | None, ...] = ()

    def item(self, key: Value | None) -> Value | None:
        """What `frames[key]` holds: the keyed value, else (a key not written out) any."""
        found = dict(self.keyed).get(key.value) if isinstance(key, Text) else None
        return found if found is not None else self.data


@dataclass(frozen=True, eq=False)
class ProjectClass:
    """A class defined in the analysed file: its methods (as Functions) and class attributes."""

    name: str
    methods: Mapping[str, Function]
    attributes: Mapping[str, Value]
    # the library classes it derives from (`luigi.Task`): the methods they give it that the
    # catalog knows (`delegate` rows)
    bases: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Instance:
    """An object of a ProjectClass; what its methods set on `self` lives in `attributes`."""

    cls: ProjectClass
    attributes: dict[str, Value]
    # The data of the arguments a class without `__init__` was made with: its base's
    # constructor keeps them (an exception's message, a dict subclass's items).
    made_with: Data | None = None


@dataclass(frozen=True)
class Home:
    """The file a function is written in, for one written in another project file."""

    positions: NodeStarts
    locate: Callable[[int, int], Location]


@dataclass(frozen=True, eq=False)
class Function:
    """A function defined in the analysed file: calls to it apply its summary.

    `node` is its libcst FunctionDef; `closure` the enclosing function's names for a nested
    definition (None at module level, where globals are looked up when it is summarised).
    """

    name: str
    node: cst.FunctionDef
    closure: Mapping[str, Value] | None = None
    # A method a class here inherits from a class of another project file: where that file's
    # nodes start and how its lines are reported (its operations are located there).
    home: Home | None = None


@dataclass(frozen=True)
class Model:
    """A table or record type the project declares (`class Customer(Base)`, a pydantic model,
    `customers = Table(...)`): using it reads its table, building one makes a record of it."""

    schema: DeclaredSchema
    # The class of this file that declares it (a dataclass, a pydantic model): one made from
    # constants is an object with its fields (`Config()`'s defaults), not a record of data.
    cls: ProjectClass | None = None


Value = (Data | Grouped | Writer | Method | Handle | Text | Strings | Record | Mask | Symbol
         | Dynamic | Frames | Function | ProjectClass | Instance | Model)


def project_object(value: Value | None) -> bool:
    """An object of a class of this file or of another project file (what its methods give
    is the project's code to say)."""
    return isinstance(value, Instance) or (isinstance(value, Symbol) and value.project)


def names_of(value: Value | None) -> tuple[str, ...] | None:
    """Names (columns, words) given as one constant or a list of constants; None for any other
    value."""
    if isinstance(value, Strings):
        return value.values
    return (value.value,) if isinstance(value, Text) else None
