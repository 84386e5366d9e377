"""Summaries of user functions defined in the analysed file, and applying them at call sites.

Each function is interpreted once, with every parameter bound to a placeholder (see `pyflow`).
Its summary says which parameters (and which data it reads itself) reach the return value, and
through which lineage steps; the operations that depend on parameters are templates. A call
`clean(df)` then costs time proportional to the summary, not to the body: the return value is
re-derived from the caller's data along the same steps, and each template is emitted with the
caller's resources — so `save(df, "out.csv")` is a write of df's sources to `out.csv`, at the
line inside `save` where it happens. Several call sites of one template merge their sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from lacuna_cli.extract.pyflow import Capture, FlowGraph, is_placeholder
from lacuna_cli.extract.pyvalues import (
    Data, Dynamic, Frames, Handle, Symbol, Text, Value, project_object,
)
from lacuna_cli.models import Action, LineageEdge, Location, Operation, Resource

# The reason of a value a function returns differently on its paths (`return 1` / `return
# "a"`): an object nothing can be told of.
RETURNS_DIFFER = "return value of"
TRANSFORM_DETAILS = ("keys", "columns", "dropped", "anonymized", "column_flows")
# Actions that transform data: without known sources they are not worth reporting.
TRANSFORMS = frozenset({"join", "filter", "aggregate", "anonymize"})


@dataclass(frozen=True)
class Param:
    """One parameter: its lineage node, the placeholder resource standing for the caller's
    resources, and its default value (None when it has none). `keywords` marks `**kwargs`:
    it takes every keyword argument no other parameter takes (`send(json=rows)` into
    `def send(**kw): requests.post(URL, **kw)`); `rest` marks `*args`, which takes every
    positional argument from its `index` on (`export(df)` into `def export(*args):
    args[0].to_csv(...)`)."""

    name: str
    index: int | None
    node: str
    placeholder: Resource
    default: Value | None = None
    keywords: bool = False
    rest: bool = False

    def value(self) -> Data:
        """What the body sees: data (or a path) from the caller, not known yet."""
        return Data(self.node, (self.placeholder,))


@dataclass(frozen=True)
class Flow:
    """Data reaching the return value from a parameter (or from data the function read itself,
    `param` None and `origin` its node), along `steps` in order."""

    param: Param | None
    origin: Data
    steps: tuple[LineageEdge, ...]


@dataclass(frozen=True)
class Mutation:
    """A parameter whose object the body changes in place (`frame["email"] = people.email`,
    `frame.drop(columns=PII, inplace=True)`, `out.append(rows)`): what reaches the changed
    object, so the caller's object changes the same way at a call."""

    param: Param
    flows: tuple[Flow, ...]
    columns: tuple[str, ...] | None


@dataclass(frozen=True)
class Summary:
    name: str
    params: tuple[Param, ...]
    flows: tuple[Flow, ...]
    returned: Value | None
    columns: tuple[str, ...] | None
    templates: tuple[Operation, ...]
    # Parameters a path is built from with other text (`f"data/{name}.csv"`, `os.path.join(
    # BASE, name)`): a caller's constant for one names a place only the body can tell.
    templated: frozenset[str] = frozenset()
    mutated: tuple[Mutation, ...] = ()
    # When every `return` is a tuple of one length (`return customers, sales`): what reaches
    # each position, and its columns, so `customers, sales = load()` binds each its own.
    elements: tuple[Element, ...] = ()


@dataclass(frozen=True)
class Element:
    """One position of the tuples a function returns: what reaches it, and its columns."""

    flows: tuple[Flow, ...]
    columns: tuple[str, ...] | None


class Host(Protocol):
    """What applying a summary needs from the interpreter."""

    graph: FlowGraph
    path_kinds: dict[str, str]
    read_paths: set[str]
    receivers: set[str]  # placeholders of the object a method is called on (`self`)
    # The values a call returned as a tuple, by the node of the whole (see `Summary.elements`).
    unpacked: dict[str, tuple[Value | None, ...]]

    def path_resource(self, value: Value | None, kind: str, shown: str
                      ) -> tuple[Resource, str | None]: ...

    def with_header(self, resource: Resource) -> Resource: ...


def summarise(name: str, params: Sequence[Param], returns: Sequence[Value | None],
              capture: Capture, graph: FlowGraph,
              mutations: Mapping[str, Value | None] | None = None) -> Summary:
    """The summary of a body interpreted with placeholders; `returns` are its returned values
    (a list of frames or documents it collected is the data collected in it); `mutations`
    what the body last made of each parameter it changed in place, by name."""
    by_node = {p.node: p for p in params}
    elements = _elements(returns, by_node, capture, graph)
    returns = [collected(v) for v in returns]
    data = [v for v in returns if isinstance(v, Data)]
    incoming = _incoming(capture)
    columns = data[0].columns if len(data) == 1 else None
    others = [v for v in returns if v is not None and not isinstance(v, Data)]
    returned = returned_object(others) or (
        Dynamic(f"{RETURNS_DIFFER} `{name}()`") if others else None)
    by_name = {p.name: p for p in params}
    mutated = tuple(
        Mutation(by_name[param], _flows([changed], by_node, incoming, graph), changed.columns)
        for param, value in (mutations or {}).items()
        if isinstance(changed := collected(value), Data) and changed.node != by_name[param].node)
    return Summary(name, tuple(params), _flows(data, by_node, incoming, graph), returned,
                   columns, tuple(capture.templates.values()), mutated=mutated,
                   elements=elements)


def returned_object(values: Sequence[Value]) -> Value | None:
    """What a body returns that is not data, whichever `return` gives it: the one value, or a
    library's object (`if profile: return Session(profile_name=p).client("s3")` / `return
    boto3.client("s3")`: a factory gives one either way, and what is called on it is the
    catalog's to say); None when they differ otherwise."""
    if values and (all(v == values[0] for v in values)
                   or all(isinstance(v, Symbol) and not v.project for v in values)):
        return values[0]
    return None


def _incoming(capture: Capture) -> dict[str, list[LineageEdge]]:
    incoming: dict[str, list[LineageEdge]] = {}
    for edge in capture.edges:
        incoming.setdefault(edge.target, []).append(edge)
    return incoming


def _elements(returns: Sequence[Value | None], by_node: Mapping[str, Param], capture: Capture,
              graph: FlowGraph) -> tuple[Element, ...]:
    """Each position of the tuples every `return` gives, when they are all tuples of one
    length holding data (see `Frames.positions`); none otherwise."""
    tuples = [v.positions for v in returns if isinstance(v, Frames)]
    if not tuples or len(tuples) != len(returns) or len({len(t) for t in tuples}) != 1 \
            or not tuples[0]:
        return ()
    incoming = _incoming(capture)
    elements = []
    for position in zip(*tuples, strict=True):
        data = [d for v in position if isinstance(d := collected(v), Data)]
        elements.append(Element(_flows(data, by_node, incoming, graph),
                                data[0].columns if len(data) == 1 else None))
    return tuple(elements)


def _flows(results: Sequence[Data], by_node: Mapping[str, Param],
           incoming: Mapping[str, list[LineageEdge]], graph: FlowGraph) -> tuple[Flow, ...]:
    """What reaches `results` inside a body: from each parameter, or from data the body read
    itself, along the steps it takes there."""
    flows: dict[str, Flow] = {}
    for result in results:
        for origin, steps in _paths_to(result.node, incoming, set(by_node)).items():
            if origin in flows:
                continue
            param = by_node.get(origin)
            own = tuple(r for r in result.roots if not is_placeholder(r))
            node = graph.node(origin)
            roots = (node.resource,) if node is not None and node.resource else own
            flows[origin] = Flow(param, Data(origin, roots), steps)
    return tuple(flows.values())


def _paths_to(target: str, incoming: Mapping[str, list[LineageEdge]], stops: set[str]
              ) -> dict[str, tuple[LineageEdge, ...]]:
    """For every origin of `target` (a parameter or a node with no incoming edge inside the
    body), the edges from it to `target`. Breadth-first, each node once: linear in the body."""
    toward: dict[str, LineageEdge] = {}
    seen, queue, origins = {target}, [target], []
    while queue:
        current = queue.pop(0)
        edges = incoming.get(current, []) if current not in stops else []
        if not edges:
            origins.append(current)
        for edge in edges:
            if edge.source not in seen:
                seen.add(edge.source)
                toward[edge.source] = edge
                queue.append(edge.source)
    paths = {}
    for origin in origins:
        steps, current = [], origin
        while current != target:
            steps.append(toward[current])
            current = toward[current].target
        paths[origin] = tuple(steps)
    return paths


class CallSite:
    """One call of a summarised function: arguments bound, templates emitted, result derived."""

    def __init__(self, host: Host, summary: Summary, arguments: Mapping[str, Value | None],
                 shown: Mapping[str, str], location: Location) -> None:
        self.host = host
        self.summary = summary
        self.location = location
        self.arguments = {p.placeholder.name: (p, arguments.get(p.name, p.default),
                                               shown.get(p.name, p.name))
                          for p in summary.params}

    def apply(self, emitted: dict[tuple[str, str], Operation]) -> Value | None:
        self._connect_arguments()
        for template in self.summary.templates:
            self._emit(template, emitted)
        return self._result()

    def _connect_arguments(self) -> None:
        """Edges from the caller's data into each parameter, so what the body writes inherits
        the classification of everything passed in."""
        graph = self.host.graph
        for param, given, shown in self.arguments.values():
            value = collected(given)
            if isinstance(value, Data) and value.node != param.node:
                graph.edge(value.node, param.node, "derive", self.location)
            elif project_object(value):
                graph.edge(graph.resource_node(self._object_source(shown)), param.node, "read",
                           self.location)
            elif param.placeholder.name in self.host.read_paths:
                for resource in self._read(param.placeholder)[0]:
                    if not is_placeholder(resource) and resource.kind != "unknown":
                        graph.edge(graph.resource_node(resource), param.node, "read",
                                   self.location)

    def _resolve(self, resource: Resource, path: bool) -> tuple[list[Resource], str | None]:
        """The caller's resources for a placeholder. In a path position (what is read, where it
        is written) the argument names the place; elsewhere it is data and brings its roots."""
        if resource.name not in self.arguments:
            return [resource], None  # another function's parameter: still a placeholder
        _param, given, shown = self.arguments[resource.name]
        value = collected(given)
        outer = raw_placeholder(value)
        if outer is not None:
            self.host.path_kinds.setdefault(outer.name,
                                            self.host.path_kinds.get(resource.name, "file"))
            return [outer], outer.name.split(" (line")[0]
        if isinstance(value, Data) and not path:
            return list(value.roots), None
        if not path and project_object(value):
            return [self._object_source(shown)], None
        named_path = isinstance(value, Handle) or (
            isinstance(value, Text) and resource.name in self.host.read_paths)
        if not path and not named_path:
            return [], None  # a string or number passed in is not data
        kind = self.host.path_kinds.get(resource.name, "file")
        found, reason = self.host.path_resource(value, kind, shown)
        if resource.columns:
            found = found.model_copy(update={"columns": resource.columns})
        return [found], reason

    def _object_source(self, shown: str) -> Resource:
        """An object of the project's own classes given as an argument: what the body got
        from it through its methods, the summary could not see — data of unknown origin,
        never nothing (where the call is seen, it is interpreted inline instead)."""
        return Resource(kind="unknown", name=f"`{shown}`, an object whose methods the body "
                                             f"of `{self.summary.name}()` calls")

    def _read(self, placeholder: Resource) -> tuple[list[Resource], str | None]:
        """The places the caller names for a parameter the body reads from, with what their
        headers say (a helper's `open(path)` reads the file the call passes)."""
        found, reason = self._resolve(placeholder, path=True)
        # `def main(path): extract(path)`: the outer function's parameter names what is read
        self.host.read_paths.update(r.name for r in found if is_placeholder(r))
        return [self.host.with_header(resource) for resource in found], reason

    def _emit(self, template: Operation, emitted: dict[tuple[str, str], Operation]) -> None:
        path_sources = template.action == "read"
        sources: list[Resource] = []
        reason = template.dynamic_reason
        for source in template.sources:
            if is_placeholder(source):
                found, why = (self._read(source) if path_sources
                              else self._resolve(source, path=False))
                sources.extend(found)
                reason = why if path_sources else reason
            elif not spread_by(source, self.summary.params):
                sources.append(source)
        destination = template.destination
        if destination is not None and is_placeholder(destination):
            (destination,), reason = self._resolve(destination, path=True)
            data_node = self.host.graph.data_node_of(template.id)
            if data_node and not is_placeholder(destination):
                graph = self.host.graph
                graph.edge(data_node, graph.resource_node(destination), "write",
                           self.location)
        if not sources and template.action in TRANSFORMS:
            return  # a parameter that was not data after all (`s.count(",")` on a string)
        action: Action = template.action
        if destination is not None and template.action in ("write", "export"):
            action = write_action(destination)
        place = destination.key if destination else (
            ",".join(s.key for s in sources) if path_sources else "")
        key = (template.id, place)
        earlier = emitted.get(key)
        if earlier is not None:
            self.host.graph.retract(earlier.id)
            sources = [*earlier.sources, *(s for s in sources if s not in earlier.sources)]
        emitted[key] = self.host.graph.operation(
            action, template.location, template.code, sources, destination=destination,
            data_node=self.host.graph.data_node_of(template.id), dynamic_reason=reason,
            called_from=template.called_from)

    def _result(self) -> Value | None:
        if not self.summary.flows:
            return self.summary.returned
        result = self._derived(self.summary.flows, self.summary.columns, self.summary.returned)
        if isinstance(result, Data) and self.summary.elements:
            self.host.unpacked[result.node] = tuple(
                self._derived(e.flows, e.columns, None) for e in self.summary.elements)
        return result

    def mutations(self) -> list[tuple[Param, Value]]:
        """What the call made of each argument whose object the body changes in place (a
        list the body appends data to is still a list, now holding it)."""
        changed: list[tuple[Param, Value]] = []
        for mutation in self.summary.mutated:
            made = self._derived(mutation.flows, mutation.columns, None)
            if made is None:
                continue
            _, given, _ = self.arguments[mutation.param.placeholder.name]
            changed.append((mutation.param, kept_as(given, made)))
        return changed

    def _derived(self, flows: Sequence[Flow], columns: tuple[str, ...] | None,
                 otherwise: Value | None) -> Value | None:
        """The caller's data taken along `flows`; `otherwise` when none of them is data."""
        given = [(flow, self._start(flow)) for flow in flows]
        given = [(flow, start) for flow, start in given if start is not None]
        if len(given) == 1 and not given[0][0].steps:
            return given[0][1]  # the function returns its argument (or its own data) as is
        unwrapped = [(flow, start.data if isinstance(start, Frames) else start)
                     for flow, start in given]
        starts = [(start, flow.steps) for flow, start in unwrapped if isinstance(start, Data)]
        if not starts:
            return otherwise
        return derived_result(self.host.graph, f"{self.summary.name}()", self.location, starts,
                              columns)

    def _start(self, flow: Flow) -> Value | None:
        """Where a flow starts at this call: the caller's data, or the place it names."""
        if flow.param is None:
            return flow.origin
        _, value, _ = self.arguments[flow.param.placeholder.name]
        if isinstance(value, Data) or flow.param.placeholder.name not in self.host.read_paths:
            return value  # data passed in, or a value the function hands back as it is
        resources, _ = self._read(flow.param.placeholder)
        if not resources:
            return None
        # A path computed at run time is still read: its data is UNKNOWN, not absent.
        return Data(self.host.graph.resource_node(resources[0]), tuple(resources),
                    resources[0].columns or None)


def derived_result(graph: FlowGraph, label: str, location: Location,
                   starts: Sequence[tuple[Data, Sequence[LineageEdge]]],
                   columns: tuple[str, ...] | None) -> Data:
    """What a function returns at one call: each start (the caller's data, or what the function
    reads itself) taken along the steps its body takes it (a drop, a hash, an aggregate: each
    edge as the body made it) into one result node. The result's columns are the summary's;
    where the body does not say, the one start's, less what the steps dropped."""
    result = graph.value_node(label, location, columns)
    roots: list[Resource] = []
    dropped: set[str] = set()
    for start, steps in starts:
        current = start.node
        path: Sequence[LineageEdge | None] = steps or (None,)
        for index, step in enumerate(path):
            target = result if index == len(path) - 1 else graph.value_node(
                label, location, step.columns if step else None)
            details = {k: getattr(step, k) for k in TRANSFORM_DETAILS} if step else {}
            graph.edge(current, target, step.transform if step else "derive", location,
                       **details)
            dropped.update(step.dropped if step else ())
            current = target
        roots.extend(r for r in start.roots if r not in roots)
    if columns is None and len(starts) == 1:
        known = starts[0][0].columns
        aggregated = any(s.transform == "aggregate" for s in starts[0][1])
        if known is not None and not aggregated:
            columns = tuple(c for c in known if c not in dropped)
    return Data(result, tuple(roots), columns)


def kept_as(given: Value | None, made: Value) -> Value:
    """What a helper made of an object given to it, as the kind of object it was given: a list
    the helper appended data to is still a list, now holding that data."""
    return Frames(made) if isinstance(given, Frames) and isinstance(made, Data) else made


def collected(value: Value | None) -> Value | None:
    """What a list or dict literal passed as an argument carries: the data put into it
    (`send({"emails": df.email.tolist()})` passes the emails), else the value itself."""
    return value.data if isinstance(value, Frames) and value.data is not None else value


def raw_placeholder(value: Value | None) -> Resource | None:
    """The placeholder of a parameter used as is (not data derived from it): the parameter of a
    function being summarised, passed on or used as a path."""
    if isinstance(value, Data) and len(value.roots) == 1 and value.columns is None and \
            is_placeholder(value.roots[0]):
        return value.roots[0]
    return None


# Catalog categories whose destinations are outside the project whatever their name.
LEAVING = {"llm", "tracker", "hub", "cloud", "saas", "chat", "mail", "log", "download",
           "dashboard"}


def write_action(destination: Resource) -> Action:
    """`export` when the data leaves the project (URL, stream, home or absolute path)."""
    if destination.category:
        return "export" if destination.category in LEAVING else "write"
    if destination.kind in ("url", "stream", "service"):
        return "export"
    if destination.kind == "file" and destination.name.startswith(("~", "/", "..")):
        return "export"
    return "write"


def finalise(summary: Summary, host: Host) -> None:
    """Emit the templates of a function never called in the file: its parameters stay unknown,
    named as written, and a read or write of one is dynamic with the parameter as the reason.
    What it writes or sends from a parameter is data of unknown origin (nothing in the file
    says what a caller gives it), never data from nowhere: a call from another project file
    reports the same line with its own data, which then replaces this one
    (`ExtractResult.operations`)."""
    # (`**kwargs` spread into a send is data of unknown origin already: `spread_payload`)
    param_nodes = {p.placeholder.name: p.node for p in summary.params if not p.keywords}
    for template in summary.templates:
        sources, reason = [], template.dynamic_reason
        given = [s for s in template.sources if is_placeholder(s)]
        for source in template.sources:
            if not is_placeholder(source):
                sources.append(source)
            elif template.action == "read":
                sources.append(_unknown(source))
        if not sources and template.action not in TRANSFORMS and (
                template.destination is None or template.destination.category != "log"):
            # only what it was given (a log line's parameters are mostly messages and counts:
            # see `with_inputs`; a lookup key beside data it read adds nothing to tell)
            for source in (s for s in given if s.name in param_nodes):
                sources.append(source)
                host.graph.edge(host.graph.resource_node(source), param_nodes[source.name],
                                "read", template.location)
        if not sources and template.action in TRANSFORMS:
            continue  # nothing says the parameters are data at all
        destination = template.destination
        if destination is not None and destination.name in host.receivers:
            # `self.http.put(self._url(path))`: a place the object holds is set where the
            # object is made, which no call of this method passes (never a parameter's place,
            # which each caller is checked with)
            receiver = destination.name.split(" (line")[0].removeprefix("parameter ")
            reason = f"a place the object {receiver} holds, set where it is made"
        if destination is not None and is_placeholder(destination):
            destination = _unknown(destination)
        host.graph.operation(template.action, template.location, template.code, sources,
                             destination=destination,
                             data_node=host.graph.data_node_of(template.id),
                             dynamic_reason=reason, called_from=template.called_from)


def spread_by(source: Resource, params: Sequence[Param]) -> bool:
    """Whether `source` is what `**kwargs` forwards when nobody calls the function (see
    `pyeffects.spread_payload`): at a call, what the call passes takes its place."""
    return source.kind == "unknown" and any(
        p.keywords and source.name == f"**{p.name}" for p in params)


def _unknown(placeholder: Resource) -> Resource:
    """`parameter `path` of `load()`` -> the unknown resource `path`."""
    name = placeholder.name.split("`")[1]
    return Resource(kind="unknown", name=name, columns=placeholder.columns)
