"""Classes of the analysed file: pipelines written as objects.

`Pipeline("data/customers.csv").run()` keeps its path in `self.source` and reads it in another
method. An instance remembers what its methods set on `self`; a method called on an instance
is interpreted where it is called, with `self` and the call's arguments bound, so the path and
the data reach the read and the write inside it. Methods nothing calls are still summarised with
unknown parameters at the end of the module, like functions.

Mixed into the interpreter in `python.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from collections.abc import Set as AbstractSet

import libcst as cst

from lacuna_cli.extract.pyfunctions import returned_object
from lacuna_cli.extract.pyimports import Constants
from lacuna_cli.extract.pystate import InterpreterState
from lacuna_cli.extract.passed_arguments import CallersObjects, passed_expression
from lacuna_cli.extract.pyvalues import (
    Data, Dynamic, Frames, Function, Home, Instance, ProjectClass, Record, Strings, Symbol, Text,
    Value,
)

# Method calls interpreted inside one another at most this deep (recursion, long chains).
MAX_METHOD_DEPTH = 3


class Classes(InterpreterState):
    """Class definitions, instances and method calls; `self` is the interpreter."""

    def define_class(self, node: cst.ClassDef) -> None:
        """Bind the class name; methods are Functions (summarised at the end unless called on
        an instance), other statements in the body are its class attributes."""
        methods: dict[str, Function] = {}
        attributes: dict[str, Value] = {}
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for statement in body:
            if isinstance(statement, cst.FunctionDef):
                function = Function(f"{node.name.value}.{statement.name.value}", statement)
                methods[statement.name.value] = function
                self.defined.append(function)
            else:  # a class attribute: bound in a scope of its own, not the module's
                outer = self.env
                self.env = dict(outer)
                self.compound(statement)
                attributes.update({k: v for k, v in self.env.items() if outer.get(k) is not v})
                self.env = outer
        values = [self.value(arg.value) for arg in node.bases]
        bases = tuple(base.qualname for base in values if isinstance(base, Symbol))
        # What a base class of this file defines and the class does not (`export()` calling
        # `self.write(frame)`, which the class overrides): the first base listed wins.
        inherited_methods: dict[str, Function] = {}
        inherited_attributes: dict[str, Value] = {}
        for base in reversed(values):
            if isinstance(base, Symbol) and base.project:  # a class of another file
                base = self.foreign_class(base.qualname) or base
            if isinstance(base, ProjectClass):
                inherited_methods.update(base.methods)
                inherited_attributes.update(base.attributes)
        self.env[node.name.value] = ProjectClass(
            node.name.value, {**inherited_methods, **methods},
            {**inherited_attributes, **attributes}, bases)

    def instantiate(self, cls: ProjectClass, node: cst.Call) -> Instance:
        """An object of a class of this file: its `__init__` runs with the call's arguments;
        without one, they go to a base class's constructor, so they are evaluated here (a read
        among them is still a read) and their data is what the object was made with."""
        init = cls.methods.get("__init__")
        if init is None:
            given = self.combine([self.value(arg.value) for arg in node.args], "derive", node)
            return Instance(cls, dict(cls.attributes), given)
        instance = Instance(cls, dict(cls.attributes))
        self.call_method(instance, init, node)
        return instance

    def entered(self, value: Value | None, item: cst.BaseExpression) -> Value | None:
        """What `with item as name` binds: an instance of a class of this file runs its
        `__enter__` (a client that opens its session there) and gives what it returns (itself,
        mostly); anything else is bound as it is."""
        enter = value.cls.methods.get("__enter__") if isinstance(value, Instance) else None
        if enter is None or not isinstance(value, Instance):
            return value
        call = cst.Call(func=cst.Attribute(value=item, attr=cst.Name("__enter__")))
        self.positions.alias(call, item)
        returned = self.call_method(value, enter, call)
        return value if returned is None else returned

    def owner_class(self, function: Function) -> ProjectClass | None:
        """The class of this file a plain method belongs to (None for a function, a static or
        class method)."""
        class_name, _, method = function.name.rpartition(".")
        owner = self.globals.get(class_name)
        if not isinstance(owner, ProjectClass) or method_binding(function.node) is not None:
            return None
        return owner if owner.methods.get(method) is function else None

    def init_objects(self, function: Function) -> dict[str, Value]:
        """`self.http = requests.Session()` in `__init__`: for a method summarised on its own
        (no code of this file calls it on an instance), `self.http` is that library's object,
        so `self.http.put(url, json=member)` sends (it was a call on an unknown object: no
        operation). Only objects whose calls the catalog knows are taken, made from a
        library's constructor or `client` row; anything else `__init__` sets stays unknown."""
        cls = self.owner_class(function)
        init = cls.methods.get("__init__") if cls is not None else None
        own = [*function.node.params.posonly_params, *function.node.params.params]
        if init is None or init is function or not own:
            return {}
        made = [*init.node.params.posonly_params, *init.node.params.params]
        if not made:
            return {}
        objects: dict[str, Value] = {}
        for target, expression in _attribute_assignments(init.node, made[0].name.value):
            maker = self.value(expression.func)
            if not isinstance(maker, Symbol) or maker.project:
                continue
            api = self.catalog.function(maker.qualname)
            if api is not None and api.row.does != "client":
                continue  # a call that does something else (`os.path.expanduser(p)`)
            made_object = self.value(expression) if api is not None else maker
            if isinstance(made_object, Symbol) and self.library_object(made_object):
                objects[f"{own[0].name.value}.{target}"] = made_object
        return objects

    def own_method(self, func: cst.BaseExpression) -> Function | None:
        """The method of its own class, taking nothing but `self`, that a method summarised
        on its own calls on `self` (`self.output()` in a Luigi task's `run`, which the
        framework calls): interpreted there, with `self` still unknown. A method given
        arguments stays a call of an unknown object's method, as before."""
        called = self._called_on_self(func)
        method = called[0].methods.get(called[1]) if called is not None else None
        if method is None or method_binding(method.node) is not None:
            return None
        params = method.node.params
        takes_self_only = len(params.params) == 1 and not (
            params.posonly_params or params.kwonly_params or params.star_kwarg
            or isinstance(params.star_arg, cst.Param | cst.ParamStar))
        return method if takes_self_only else None

    def inherited_call(self, func: cst.BaseExpression, node: cst.Call) -> Value | None:
        """`self.input()` in a method nothing in the file calls, of a class whose library base
        gives it that method as calls of the object's own methods (a `delegate` row: a Luigi
        task's input is what its `requires()` returns, through that task's `output()`): those
        calls, in turn. None when no base gives such a method, or a call in the chain is not
        one of the file's own methods."""
        called = self._called_on_self(func)
        receiver = self.env.get("self")
        if called is None or receiver is None or called[1] in called[0].methods:
            return None
        owner, name = called
        api = next((found for base in owner.bases if (found := self.catalog.function(
            f"{base}.{name}")) is not None and found.row.does == "delegate"), None)
        if api is None:  # `self.chat_postMessage(...)` in a `WebClient` subclass
            inherited = self.library_method(owner, name)
            return self.symbol_call(inherited, node) if inherited is not None else None
        value: Value | None = receiver
        cls: ProjectClass | None = owner
        for step in api.row.calls:
            method = cls.methods.get(step) if cls is not None else None
            if method is None or value is None:
                return None
            value = self.call_inline(method, node, (value,))
            cls = value.cls if isinstance(value, Instance) else None
        return value

    def library_method(self, cls: ProjectClass, name: str) -> str | None:
        """`class APISession(requests.Session)`: a method the class does not define is its
        library base's, as the catalog names it (`requests.Session.post`); None when no base
        of a library has a row for it."""
        return next((qualname for base in cls.bases
                     if self.catalog.function(qualname := f"{base}.{name}") is not None), None)

    def _called_on_self(self, func: cst.BaseExpression) -> tuple[ProjectClass, str] | None:
        """For `self.name(...)` in a method of a class of this file being summarised: that
        class and `name`."""
        owner = self.method_classes[-1] if self.method_classes else None
        if owner is None or not isinstance(func, cst.Attribute) or not isinstance(
                func.value, cst.Name) or func.value.value != "self":
            return None
        return owner, func.attr.value

    def instance_attribute(self, instance: Instance, name: str) -> Value | None:
        return instance.attributes.get(name, instance.cls.methods.get(name))

    def instance_member(self, instance: Instance, name: str, node: cst.Attribute
                        ) -> Value | None:
        """`src.frame`: an attribute, a method, or what a `@property` returns (its body run
        with `self` the instance)."""
        found = self.instance_attribute(instance, name)
        if isinstance(found, Function) and _is_property(found.node) \
                and name not in instance.attributes:
            return self.special_method(instance, name, node)
        return found

    def special_method(self, instance: Instance, name: str, node: cst.CSTNode,
                       args: Sequence[cst.BaseExpression] = ()) -> Value | None:
        """What the instance's own `name` method returns, called with `args`: `t[i]` is
        `__getitem__`, `for row in source` `__iter__`, a property read its getter. None when
        its class does not define it (nothing more is known of the instance then)."""
        method = instance.cls.methods.get(name)
        if not isinstance(method, Function):
            return None
        call = cst.Call(func=cst.Name(name), args=[cst.Arg(arg) for arg in args])
        self.positions.alias(call, node, self.statement)
        return self.call_inline(method, call, (instance,))

    def call_method(self, instance: Instance, method: Function, node: cst.Call) -> Value | None:
        """A method called on an instance: interpreted here with `self` the instance (`cls`
        its class for a classmethod; nothing for a staticmethod, whose first parameter is the
        call's first argument: `loader.read_records(path)`)."""
        binding = method_binding(method.node)
        leading: tuple[Value, ...] = () if binding == "staticmethod" else (
            (instance.cls,) if binding == "classmethod" else (instance,))
        return self.call_inline(method, node, leading)

    def call_on_class(self, cls: ProjectClass, method: Function, node: cst.Call
                      ) -> Value | None:
        """A method called on the class itself (`Loader.read_records(path)`): a classmethod
        gets the class, any other its arguments as they are (a plain method so called is
        given its instance explicitly)."""
        leading = (cls,) if method_binding(method.node) == "classmethod" else ()
        return self.call_inline(method, node, leading)

    def call_inline(self, method: Function, node: cst.Call, leading: Sequence[Value] = ()
                    ) -> Value | None:
        """Interpret a function's body here, its parameters the call's arguments (after
        `leading` ones: `self`); its return value is what the call gives. For methods, and for
        functions handed another function (`process(cur, "data/songs", func=load_song)`), whose
        body calls what it was given."""
        if self.method_depth >= MAX_METHOD_DEPTH:
            return self.unknown_call(method.name, node)
        given = [(arg, self.value(arg.value)) for arg in node.args]  # in the caller's names
        definition = method.node
        params = [*definition.params.posonly_params, *definition.params.params]
        passed = _passed_expressions(params[len(leading):], definition.params.kwonly_params,
                                     [arg for arg, _ in given])
        key = _call_key(method, leading, given)
        if key is not None and key in self.inline_results:
            # the same call again: same operations, same result, the same objects changed
            result, changed = self.inline_results[key]
        else:
            self.inlined.add(method)
            env = {**self.globals, **(method.closure or {})}
            for param, value in zip(params, leading, strict=False):
                env[param.name.value] = value
            self._bind_arguments(env, params[len(leading):], definition.params.kwonly_params,
                                 given)
            self._bind_rest(env, definition.params, len(params) - len(leading), given, node)
            found, changed = self._run_body(definition, env, set(passed), method.home)
            result = found[0] if len(found) == 1 else (
                self.combine(found, "union", node) or returned_object(found)) if found else None
            if key is not None:
                self.inline_results[key] = (result, changed)
        for name, made in changed.items():  # `enrich(orders)` changing `orders` in place
            self.mutate(passed[name], made)
        return result

    def _run_body(self, definition: cst.FunctionDef, env: dict[str, Value],
                  passed: AbstractSet[str] = frozenset(), home: Home | None = None
                  ) -> tuple[list[Value], dict[str, Value | None]]:
        """Interpret a function's body in `env`: what it returns, and what it made of each of
        its parameters naming a caller's object (`passed`) that it changed in place (see
        `mutate`). `home`: the file the body is written in, when not this one."""
        saved = (self.env, self.statement, self.fresh, self.global_names)
        self.env, self.method_depth, self.global_names = env, self.method_depth + 1, set()
        self.homes.append(home)
        self.returns.append([])
        self.callers_objects.append(CallersObjects({name: env[name] for name in passed
                                                    if name in env}))
        self.mutations.append({})
        try:
            self.suite(definition.body)
        finally:
            self.callers_objects.pop()
            changed = self.mutations.pop()
            returned = self.returns.pop()
            self.env, self.statement, self.fresh, self.global_names = saved
            self.method_depth -= 1
            self.homes.pop()
        return [value for value in returned if value is not None], changed

    @contextmanager
    def at_home(self, home: Home | None) -> Iterator[None]:
        """Inside, nodes are located in `home`, the file a method inherited from another
        file's class is written in, or (None) in this file: a method of this file that an
        inherited one calls (`self.write(frame)`) is located here again."""
        self.homes.append(home)
        try:
            yield
        finally:
            self.homes.pop()

    def bound_by_caller(self, cls: ProjectClass, method: Function, constants: Constants
                        ) -> dict[str, Value]:
        """The parameters of a method of `cls` as a caller in another file gives them: `self`
        an instance whose `__init__` ran with the caller's constructor arguments (constants
        as their text, the defaults of those not given, a value known only at run time for
        the rest), and the caller's constant arguments. What a method writes to a place it
        keeps on `self` (`self.out_dir` from `__init__(self, out_dir="~/exports")`) is then
        told where the caller calls it."""
        instance = Instance(cls, dict(cls.attributes))
        init = cls.methods.get("__init__")
        if init is not None:
            positional = (*method.node.params.posonly_params, *method.node.params.params)
            with self.at_home(method.home):
                holder = self.placeholder(method, positional[0].name.value) \
                    if positional else None

            def argument(key: int | str, text: str | None) -> Value:
                if text is not None:
                    return Text(text)
                if key in constants.data and holder is not None and init is not None:
                    # `Exporter(customers)`: the caller's data, which reaches the method's
                    # writes and sends through `self` (the caller gives it for `self`)
                    with self.at_home(init.home):
                        where = self.loc(init.node)
                    return Data(self.graph.value_node(f"argument `{key}` of `{cls.name}()`",
                                                      where), (holder,))
                return Dynamic(f"argument `{key}` of `{cls.name}()` known only at run time")

            given = {key: argument(key, text) for key, text in constants.init}
            self._run_body(init.node, {**self.globals, **(init.closure or {}),
                                       **self._parameters_given(init, instance, given)},
                           home=init.home)
        called = {key: Text(text) for key, text in constants.call}
        return self._parameters_given(method, instance, called)

    def called_with(self, function: Function, constants: Constants) -> dict[str, Value]:
        """A function's parameters as a caller in another file gives them: its constant
        arguments by position or keyword (`load("customers")` reads `data/customers.csv`),
        and the constant defaults of those it does not pass."""
        given = {key: Text(text) for key, text in constants.call}
        bound = {param.name.value: value for param, value in _given(function, given, skip=0)
                 if value is not None}
        if constants.passed is not None:  # what the call leaves out takes its default
            passed = {key: Text("") for key in constants.passed}
            for param, value in _given(function, passed, skip=0):
                default = param.default
                if value is None and default is not None and param.name.value not in bound:
                    constant = self.value(default)
                    if isinstance(constant, Text):
                        bound[param.name.value] = constant
        return bound

    def _parameters_given(self, function: Function, instance: Instance,
                          given: Mapping[int | str, Value]) -> dict[str, Value]:
        """A method's parameters: `self` the instance (`cls` its class for a classmethod,
        nothing for a staticmethod), and those given (by position after it, or keyword), else
        their defaults."""
        definition = function.node.params
        binding = method_binding(function.node)
        env: dict[str, Value] = {}
        positional = [*definition.posonly_params, *definition.params]
        skip = 0 if binding == "staticmethod" or not positional else 1
        if skip:
            env[positional[0].name.value] = instance.cls if binding == "classmethod" \
                else instance
        for param, value in _given(function, given, skip):
            name = param.name.value
            if value is None and param.default is not None:
                value = self.value(param.default)
            if value is not None:
                env[name] = value
        return env

    def _bind_arguments(self, env: dict[str, Value], positional: Sequence[cst.Param],
                        keyword_only: Sequence[cst.Param],
                        given: Sequence[tuple[cst.Arg, Value | None]]) -> None:
        ordered = [value for arg, value in given if arg.keyword is None and not arg.star]
        named = {arg.keyword.value: value for arg, value in given if arg.keyword is not None}
        for index, param in enumerate((*positional, *keyword_only)):
            name = param.name.value
            if name in named:
                value = named[name]
            elif index < len(ordered) and index < len(positional):
                value = ordered[index]
            else:
                value = self.value(param.default) if param.default is not None else None
            if value is not None:
                env[name] = value

    def _bind_rest(self, env: dict[str, Value], definition: cst.Parameters, taken: int,
                   given: Sequence[tuple[cst.Arg, Value | None]], node: cst.Call) -> None:
        """`*args` bound to the positional arguments after the `taken` named ones, `**kw` to
        the keyword arguments no parameter names (`kw["frame"]` is the frame given)."""
        if isinstance(definition.star_arg, cst.Param):
            extra = [value for arg, value in given if arg.keyword is None and not arg.star
                     ][taken:]
            texts = [v.value for v in extra if isinstance(v, Text)]
            env[definition.star_arg.name.value] = Strings(tuple(texts)) if len(texts) == len(
                extra) else Frames(self.combine(extra, "derive", node))
        if isinstance(definition.star_kwarg, cst.Param):
            names = {p.name.value for p in (*definition.posonly_params, *definition.params,
                                            *definition.kwonly_params)}
            env[definition.star_kwarg.name.value] = Record(tuple(
                (arg.keyword.value, value) for arg, value in given
                if arg.keyword is not None and arg.keyword.value not in names
                and value is not None))


def _given(function: Function, given: Mapping[int | str, Value], skip: int
           ) -> Iterator[tuple[cst.Param, Value | None]]:
    """Each parameter after the first `skip` with the value `given` for it by keyword or by
    position (counted after those skipped), None when none is."""
    definition = function.node.params
    positional = [*definition.posonly_params, *definition.params]
    for index, param in enumerate((*positional[skip:], *definition.kwonly_params)):
        yield param, given.get(param.name.value, given.get(index)
                               if index < len(positional) - skip else None)


def _is_property(definition: cst.FunctionDef) -> bool:
    """Decorated `@property`, `@cached_property` or `@functools.cached_property`."""
    return any((isinstance(d.decorator, cst.Name) and d.decorator.value in (
        "property", "cached_property")) or (isinstance(d.decorator, cst.Attribute)
                                             and d.decorator.attr.value == "cached_property")
               for d in definition.decorators)


def method_binding(definition: cst.FunctionDef) -> str | None:
    """`staticmethod` or `classmethod` when the method is decorated so, else None."""
    for decorator in definition.decorators:
        if isinstance(decorator.decorator, cst.Name) and decorator.decorator.value in (
                "staticmethod", "classmethod"):
            return decorator.decorator.value
    return None


def _call_key(method: Function, leading: Sequence[Value],
              given: Sequence[tuple[cst.Arg, Value | None]]) -> tuple[object, ...] | None:
    """What makes one inlined call the same as another: the method, the values it is given
    and what its instance holds; None when a value cannot be compared."""
    state = tuple(sorted(leading[0].attributes.items())) if leading and isinstance(
        leading[0], Instance) else ()
    key = (method, *leading, *(value for _, value in given), *state)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _passed_expressions(positional: Sequence[cst.Param], keyword_only: Sequence[cst.Param],
                        args: Sequence[cst.Arg]) -> dict[str, cst.Name | cst.Attribute]:
    """The parameters a call passes a name or attribute of its own for (`enrich(orders)`,
    `clean(self.df)`), by parameter name: what the body changes in them, it changes there."""
    passed = {param.name.value: passed_expression(args, index, param.name.value)
              for index, param in enumerate(positional)}
    passed.update((param.name.value, passed_expression(args, None, param.name.value))
                  for param in keyword_only)
    return {name: value for name, value in passed.items()
            if isinstance(value, cst.Name | cst.Attribute)}


def _attribute_assignments(definition: cst.FunctionDef, me: str
                           ) -> list[tuple[str, cst.Call]]:
    """`me.name = call(...)` statements at the top of a body: (name, call)."""
    found = []
    body = definition.body.body if isinstance(definition.body, cst.IndentedBlock) else ()
    for line in body:
        for small in line.body if isinstance(line, cst.SimpleStatementLine) else ():
            target, value = (small.targets[0].target, small.value) \
                if isinstance(small, cst.Assign) and len(small.targets) == 1 else \
                (small.target, small.value) if isinstance(small, cst.AnnAssign) else (None, None)
            if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) \
                    and target.value.value == me and isinstance(value, cst.Call):
                found.append((target.attr.value, value))
    return found
