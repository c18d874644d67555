"""The Workflow Definition Language as far as our definitions use it: parse every expression,
check what it refers to, and evaluate it against made-up action results.

A fake is a claim about Logic Apps; each rule says where it comes from:
- Strings (logic-apps-workflow-definition-language.md, "Expressions"): a value starting with `@`
  is an expression, `@@` starts a literal `@`, `@{...}` interpolates into a string; `'` quotes a
  string literal inside an expression, `''` is a quote; `?[...]` reads a property that may be
  missing, giving null.
- Functions (workflow-definition-language-functions-reference.md): only those listed in FUNCTIONS
  are accepted, with the argument counts the reference gives. `startsWith` "isn't case-sensitive";
  `string(null)` is ""; in logical comparisons "null values are converted to empty string" (the
  note under "Logical comparison functions"). Whether `equals` compares strings ignoring case the
  reference does not say: the evaluator takes it as a parameter, and tests run both.
- References: `body`, `outputs` and `actions` name an action, which must exist and be one the
  referring action runs after (directly, through its container, or nested inside one of those);
  `item()` only inside a Query's `where`; `listCallbackUrl()` only in a webhook's inputs
  (logic-apps-workflow-actions-triggers.md, "Webhooks and subscriptions").
- Parameters (logic-apps-workflow-definition-language.md, "Parameters": every parameter "must be
  declared in this section before" it is used elsewhere in the definition; one that is not fails
  the action at run time, "The workflow parameter '...' is not found", Azure/LogicAppsUX#8809):
  `parameters('x')` names a parameter the definition's `parameters` declares.
- runAfter (LogicAppsUX's definition validator): statuses Succeeded, Failed, Skipped, TimedOut,
  naming actions of the same scope.

How a run goes (`run`), each rule from Microsoft's pages, quoted where it is applied:
- Retry policy: absent, the default policy applies (up to 4 retries on 408, 429 and 5xx:
  error-exception-handling.md, "Default retry policy", "sends up to 4 retries"). Where the runtime
  reads a webhook's policy, sources disagree, so `Context.retry_policy_at` takes either reading and
  tests run both (RETRY_POLICY_READINGS):
  - "inputs": the action's `inputs.retryPolicy` only. error-exception-handling.md, "Change retry
    policy type in the code view editor" ("add the `retryPolicy` JSON object to that trigger or
    action's `inputs` object. Otherwise, if no `retryPolicy` object exists, the trigger or action
    uses the `default` retry policy"); LogicAppsUX libs/designer/src/lib/core/actions/bjsworkflow/
    settings.ts getRetryPolicy ("An absent retry policy indicates that it is using default values",
    read from `definition.inputs.retryPolicy`) and serializer.ts setRetryPolicy ("Retry policy
    should always be in `inputs.retryPolicy`").
  - "subscribe": a webhook's subscribe request reads `inputs.subscribe.retryPolicy`; other actions
    `inputs.retryPolicy`. logic-apps-workflow-actions-triggers.md, "HTTPWebhook trigger" and
    "APIConnectionWebhook action": `"inputs": {"subscribe": {"method", "uri", ..., "retryPolicy":
    {...}}}`, "<retry-behavior>: Customizes the retry behavior for intermittent failures".
- Run status: error-exception-handling.md, "Manage the "run after" behavior": "if a branch ends
  with a **Skipped** action, that branch's completion status is based on that skipped action's
  predecessor status. [...] If any branch ends in failure, the entire workflow run is marked
  **Failed**." A condition's status follows the same rule over its branch ("Evaluate actions with
  scopes and their results": "If the final action in a scope is marked **Failed** [...] the scope's
  status is marked **Failed**"). A Terminate "stops the run [...] skips any remaining actions, and
  returns the specified status" (logic-apps-workflow-actions-triggers.md, "Terminate action").
- Timeouts: the same page says both that actions run after a `TimedOut` status and ("Change
  asynchronous duration") that an action over its `limit.timeout` "is marked as `Cancelled` with
  the `ActionTimedOut` code". Tests give either. A branch that ends Cancelled makes the run
  Cancelled unless another branch failed: Microsoft does not say; the tests only rely on such a
  run not being Succeeded. What follows a Cancelled action Microsoft does not say either: by
  default its successors are Skipped as after a failure ("any successor action is marked
  **Skipped**") and the run goes on; `Context.cancel_ends_run` gives the other reading, where the
  run ends Cancelled at once and nothing after the action runs.
- Secured inputs and outputs (logic-apps-securing-a-logic-app.md, "Secure data in run history by
  using obfuscation"): see `hidden_in_history`.

Readings where Microsoft is silent (`Readings`; tests/infra/workflow/conftest.py runs every
definition test under each):
- A Skipped action's result. Documented: `result()` gives each top-level action's result with "the
  same attributes as the attributes returned by the `actions()` function, such as the action's start
  time, end time, status, inputs, correlation IDs, and outputs", and its example filters them by
  `item()['status']` (error-exception-handling.md, "Get context and results for failures"): so
  `actions('X')?['status']` reads `Skipped`. What a Skipped action's `outputs` read as, no Microsoft
  page, reference entry or designer code says (LogicAppsUX models run codes such as ActionSkipped
  and ActionConditionFailed, staticresultschema/schemas/baseactionresult.ts, not outputs). Either
  the result has no `outputs` and `actions('X')?['outputs']` reads null through `?[...]`
  ("absent"), or reading them fails the expression, as `outputs('X')` does here ("fails").
- `if()`: the functions reference says it returns one of two values; whether it evaluates the other
  it does not say, and a tested report says it does (blog.kloud.com.au, 2017-10-17, "Azure Logic
  App evaluating IF condition": "in case of Azure Logic Apps, it evaluates both the code blocks").
  So an expression the branch not taken would fail on fails the whole `if()` ("eager"), or not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

__all__ = [
    "ALL_READINGS",
    "READINGS",
    "RETRY_POLICY_READINGS",
    "Call",
    "Context",
    "Definition",
    "ExpressionError",
    "Readings",
    "Run",
    "SkippedResult",
    "branch_status",
    "condition",
    "evaluate",
    "hidden_in_history",
    "parse",
    "render",
    "retries_allowed",
    "run",
    "template_parts",
]

RUN_AFTER_STATUSES = {"Succeeded", "Failed", "Skipped", "TimedOut"}
# name -> (fewest, most) arguments, from the functions reference.
FUNCTIONS: dict[str, tuple[int, int]] = {
    "and": (1, 99),
    "or": (1, 99),
    "not": (1, 1),
    "equals": (2, 2),
    "greater": (2, 2),
    "less": (2, 2),
    "if": (3, 3),
    "length": (1, 1),
    "first": (1, 1),
    "contains": (2, 2),
    "createArray": (1, 99),
    "concat": (1, 99),
    "string": (1, 1),
    "startsWith": (2, 2),
    "body": (1, 1),
    "outputs": (1, 1),
    "actions": (1, 1),
    "item": (0, 0),
    "parameters": (1, 1),
    "listCallbackUrl": (0, 0),
    "coalesce": (1, 99),
    "json": (1, 1),
    "trigger": (0, 0),
    "utcNow": (0, 1),
    "ticks": (1, 1),
    "addSeconds": (2, 3),
    "convertFromUtc": (2, 3),
    "workflow": (0, 0),
    "encodeUriComponent": (1, 1),
    "last": (1, 1),
    "sort": (1, 2),
    "replace": (3, 3),
    "take": (2, 2),
}
ACTION_FUNCTIONS = {"body", "outputs", "actions"}


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Lookup:
    target: Any
    key: Any
    optional: bool


@dataclass(frozen=True)
class Literal:
    value: Any


_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<sym>\?\[|\?\.|[()\[\],.]))"
)


class WdlSyntaxError(ValueError):
    pass


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(text):
            if text[position:].strip() == "":
                break
            match = _TOKEN.match(text, position)
            if not match:
                raise WdlSyntaxError(f"cannot read {text[position:]!r} in {text!r}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.index = 0
        self.text = text

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, symbol: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (symbol is not None and token[1] != symbol):
            raise WdlSyntaxError(f"expected {symbol or 'more'} in {self.text!r}")
        self.index += 1
        return token

    def expression(self) -> Any:
        kind, value = self.take()
        node: Any
        if kind == "str":
            node = Literal(value[1:-1].replace("''", "'"))
        elif kind == "num":
            node = Literal(float(value) if "." in value else int(value))
        elif kind == "name" and value in ("true", "false", "null"):
            node = Literal({"true": True, "false": False, "null": None}[value])
        elif kind == "name":
            self.take("(")
            args: list[Any] = []
            if self.peek() != ("sym", ")"):
                args.append(self.expression())
                while self.peek() == ("sym", ","):
                    self.take(",")
                    args.append(self.expression())
            self.take(")")
            if value not in FUNCTIONS:
                raise WdlSyntaxError(f"{value}() is not a function this definition may use ({self.text!r})")
            low, high = FUNCTIONS[value]
            if not low <= len(args) <= high:
                raise WdlSyntaxError(f"{value}() takes {low} to {high} arguments, not {len(args)}")
            node = Call(value, tuple(args))
        else:
            raise WdlSyntaxError(f"unexpected {value!r} in {self.text!r}")
        while (token := self.peek()) is not None and token[1] in ("[", "?[", ".", "?."):
            self.take()
            if token[1] in ("[", "?["):
                key = self.expression()
                self.take("]")
            else:
                key = Literal(self.take()[1])
            node = Lookup(node, key, token[1].startswith("?"))
        return node

    def whole(self) -> Any:
        node = self.expression()
        if self.peek() is not None:
            raise WdlSyntaxError(f"unexpected {self.peek()} after the expression in {self.text!r}")
        return node


def parse(expression: str) -> Any:
    return _Parser(expression).whole()


def template_parts(value: str) -> list[str | Any]:
    """A definition string as literal text and parsed expressions, in order."""
    if value.startswith("@@"):
        return [value[1:]]
    if value.startswith("@") and not value.startswith("@{"):
        return [parse(value[1:])]
    parts: list[str | Any] = []
    text = ""
    position = 0
    while position < len(value):
        if value.startswith("@@{", position):
            text += "@{"
            position += 3
        elif value.startswith("@{", position):
            end = _closing_brace(value, position + 2)
            parts += [text, parse(value[position + 2 : end])]
            text, position = "", end + 1
        else:
            text += value[position]
            position += 1
    return [*parts, text]


def _closing_brace(value: str, position: int) -> int:
    quoted = False
    for index in range(position, len(value)):
        if value[index] == "'":
            quoted = not quoted
        elif value[index] == "}" and not quoted:
            return index
    raise WdlSyntaxError(f"no closing brace in {value!r}")


def calls(node: Any) -> Iterator[Call]:
    if isinstance(node, Call):
        yield node
        for arg in node.args:
            yield from calls(arg)
    elif isinstance(node, Lookup):
        yield from calls(node.target)
        yield from calls(node.key)


@dataclass(frozen=True)
class Readings:
    """How the fake reads what Microsoft leaves open (this module's docstring, "Readings")."""

    skipped_outputs: str = "absent"  # "absent": null through ?[...]; "fails": the expression fails
    eager_if: bool = False  # if() evaluates both values

    @property
    def name(self) -> str:
        return f"skipped-outputs-{self.skipped_outputs}-{'eager' if self.eager_if else 'lazy'}-if"


# Every reading the tests run definitions under; READINGS is the one a new Context takes (the
# suite's fixture sets it per test).
ALL_READINGS = tuple(Readings(o, e) for o in ("absent", "fails") for e in (False, True))
READINGS = Readings()


class SkippedResult(dict[str, Any]):
    """The result of an action that did not run: its status, and no outputs."""


@dataclass
class Context:
    """What an expression sees: each action's result, the current Query item, the parameters."""

    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    item: Any = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    callback_url: str = "https://prod-00.westeurope.logic.azure.com/callback?sig=secret"
    # workflow(): "By default, a workflow object has these properties: name, type, id, location, run,
    # and tags. The run property value is a JSON object that includes these properties: name, type,
    # and id" (workflow-definition-language-functions-reference.md, "workflow").
    run_name: str = "08584321987654321098765432109CU12"
    equals_ignores_case: bool = False
    # Where a webhook's subscribe request reads its retry policy (RETRY_POLICY_READINGS).
    retry_policy_at: str = "inputs"
    # What trigger() returns: the run's trigger as the REST API shows it (logic-apps-rest-2019-05-01
    # logic.json, WorkflowRunTrigger: "scheduledTime", "startTime"); and the clock utcNow() reads.
    trigger: Mapping[str, Any] = field(
        default_factory=lambda: {"scheduledTime": "2026-11-25T07:00:00Z", "startTime": "2026-11-25T07:00:01Z"}
    )
    now: datetime = datetime(2026, 11, 25, 7, 0, 5, tzinfo=UTC)
    readings: Readings = field(default_factory=lambda: READINGS)
    cancel_ends_run: bool = False  # a Cancelled action ends the run (module docstring, "Timeouts")


# The workflow's resource id, as ARM names a Logic App (REST spec 2019-05-01, Workflows_Get path).
WORKFLOW_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Logic/workflows/"
    "picletter-job"
)


def _workflow(context: Context) -> dict[str, Any]:
    """workflow(): name, type, id, location, run (name, type, id), per the reference quoted in Context."""
    return {
        "id": WORKFLOW_ID,
        "name": "picletter-job",
        "type": "Microsoft.Logic/workflows",
        "location": "westeurope",
        "run": {
            "id": f"{WORKFLOW_ID}/runs/{context.run_name}",
            "name": context.run_name,
            "type": "Microsoft.Logic/workflows/runs",
        },
    }


class ExpressionError(ValueError):
    """An expression Logic Apps cannot evaluate: the action using it fails (code InvalidTemplate,
    in the designer's list of run codes: LogicAppsUX staticresultschema/schemas/baseactionresult.ts)."""


def _equal(a: Any, b: Any, context: Context) -> bool:
    a, b = ("" if a is None else a), ("" if b is None else b)
    if context.equals_ignores_case and isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return (bool(a == b) and type(a) is type(b)) or (_number(a) and _number(b) and a == b)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list):
        import json

        return json.dumps(value)  # an object or array interpolated into a string reads as JSON
    return str(value)


def evaluate(node: Any, context: Context) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Lookup):
        target = evaluate(node.target, context)
        key = evaluate(node.key, context)
        if target is None and node.optional:
            return None
        if isinstance(target, SkippedResult) and key == "outputs" and context.readings.skipped_outputs == "fails":
            raise ExpressionError(f"the action {target.get('name')} was skipped: it has no outputs to read")
        if isinstance(target, Mapping):
            if key not in target and not node.optional:
                raise KeyError(f"no property {key!r}")
            return target.get(key)
        raise TypeError(f"cannot read {key!r} of {target!r}")
    assert isinstance(node, Call)
    if node.name == "if":
        condition, then, otherwise = node.args
        if context.readings.eager_if:
            chosen, other = (then, otherwise) if evaluate(condition, context) else (otherwise, then)
            evaluate(other, context)  # evaluated all the same; an error in it fails the if()
            return evaluate(chosen, context)
        return evaluate(then if evaluate(condition, context) else otherwise, context)
    args = [evaluate(arg, context) for arg in node.args]
    functions: dict[str, Callable[..., Any]] = {
        "and": lambda *a: all(a),
        "or": lambda *a: any(a),
        "not": lambda a: not a,
        "equals": lambda a, b: _equal(a, b, context),
        "greater": lambda a, b: a > b,
        "less": lambda a, b: a < b,
        "length": len,
        "first": lambda a: a[0] if a else None,
        "contains": lambda a, b: any(_equal(x, b, context) for x in a) if isinstance(a, list) else b in a,
        "createArray": lambda *a: list(a),
        "concat": lambda *a: "".join(_text(x) for x in a),
        "string": _text,
        "startsWith": lambda a, b: _text(a).lower().startswith(_text(b).lower()),
        "body": lambda name: (_outputs(context, name) or {}).get("body"),
        "outputs": lambda name: _outputs(context, name),
        # actions() returns the action's whole result (status, code, inputs, outputs), where a
        # missing part reads as null through `?[...]`.
        "actions": lambda name: context.results[name],
        "item": lambda: context.item,
        "parameters": lambda name: context.parameters[name],
        "listCallbackUrl": lambda: context.callback_url,
        # "Return the first non-null value from one or more parameters" (functions reference).
        "coalesce": lambda *a: next((x for x in a if x is not None), None),
        "json": _json,
        "trigger": lambda: context.trigger,
        "utcNow": lambda *fmt: _timestamp(context.now),
        # "the number of 100-nanosecond intervals since January 1, 0001 12:00:00 midnight"
        "ticks": lambda t: (_parse_time(t) - datetime(1, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) * 10,
        "addSeconds": lambda t, n, *fmt: _timestamp(_parse_time(t) + timedelta(seconds=n)),
        "convertFromUtc": lambda t, zone, *fmt: _local_text(_parse_time(t), zone, fmt[0] if fmt else None),
        "workflow": lambda: _workflow(context),
        # "Return a uniform resource identifier (URI) encoded version for a string by replacing
        # URL-unsafe characters with escape characters."
        "encodeUriComponent": lambda a: quote(_text(a), safe=""),
        "last": lambda a: a[-1] if a else None,
        # "Sort items in a collection [...] by a key" (sort(<collection>, <sortBy>?)).
        # "Replace a substring with the specified string" (case-sensitive, every occurrence).
        "replace": lambda a, old, new: _text(a).replace(old, new),
        # "Return items from the front of a collection": a string's first characters, all if fewer.
        "take": lambda a, n: a[:n],
        "sort": lambda a, *key: sorted(a, key=lambda x: x[key[0]]) if key else sorted(a),
    }
    return functions[node.name](*args)


def _outputs(context: Context, name: str) -> Any:
    """outputs(NAME). What Logic Apps does when the action has no outputs (a failed webhook
    subscribe may have none: the HTTP Webhook manifest lists only body, headers and queries) is
    not documented: the fake takes the strict reading and fails the expression; `actions(NAME)?[...]`
    reads the same safely."""
    result = context.results[name]
    if "outputs" not in result:
        raise ExpressionError(f"the action {name} has no outputs")
    return result["outputs"]


def _json(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str) else value


def _parse_time(value: Any) -> datetime:
    text = str(value).replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


# .NET custom format specifiers the definitions use (invariant culture): ddd, dd, HH, mm.
_FORMATS = {"ddd": "%a", "dd": "%d", "HH": "%H", "mm": "%M"}


def _local_text(value: datetime, windows_zone: str, fmt: str | None) -> str:
    from infra.schedule.timezones import iana_zone

    local = value.astimezone(ZoneInfo(iana_zone(windows_zone)))
    if fmt is None:
        return local.isoformat()
    out = fmt
    for dotnet, python in _FORMATS.items():
        out = out.replace(dotnet, python)
    return local.strftime(out)


def render(value: str, context: Context) -> Any:
    """A definition string's value at run time."""
    parts = template_parts(value)
    if len(parts) == 1 and not isinstance(parts[0], str):
        return evaluate(parts[0], context)
    return "".join(part if isinstance(part, str) else _text(evaluate(part, context)) for part in parts)


@dataclass
class Definition:
    """A workflow definition's actions, indexed by name, with the structure references depend on."""

    raw: Mapping[str, Any]
    actions: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    scope_of: dict[str, str | None] = field(default_factory=dict)  # action -> its container (None: top)

    def __post_init__(self) -> None:
        self._index(self.raw.get("actions", {}), None)

    def _index(self, actions: Mapping[str, Any], container: str | None) -> None:
        for name, action in actions.items():
            if name in self.actions:
                raise ValueError(f"action name {name} is used twice")
            self.actions[name] = action
            self.scope_of[name] = container
            self._index(action.get("actions", {}), name)
            self._index(action.get("else", {}).get("actions", {}), name)

    def nested(self, name: str) -> set[str]:
        inner = {n for n, c in self.scope_of.items() if c == name}
        return inner.union(*(self.nested(n) for n in inner))

    def before(self, name: str) -> set[str]:
        """Actions that have ended (or been skipped) whenever NAME runs."""
        found: set[str] = set()
        todo = list(self.actions[name].get("runAfter", {}))
        container = self.scope_of[name]
        if container is not None:
            found |= self.before(container)
        while todo:
            current = todo.pop()
            if current not in found:
                found |= {current} | self.nested(current)
                todo += list(self.actions[current].get("runAfter", {}))
        return found

    def problems(self) -> list[str]:
        """Every rule of this module's docstring the definition breaks."""
        found: list[str] = []
        for name, action in self.actions.items():
            for before, statuses in action.get("runAfter", {}).items():
                if before not in self.actions or self.scope_of[before] != self.scope_of[name]:
                    found.append(f"{name} runs after {before}, which is not in its scope")
                found += [f"{name}: runAfter status {s!r}" for s in statuses if s not in RUN_AFTER_STATUSES]
            found += self._reference_problems(name, action)
        declared = set(self.raw.get("parameters", {}))
        for trigger in self.raw.get("triggers", {}).values():
            found += [f"trigger: {p}" for p in _string_problems(trigger, set(), declared, where="trigger")]
        return found

    def _reference_problems(self, name: str, action: Mapping[str, Any]) -> list[str]:
        own = {k: v for k, v in action.items() if k not in ("actions", "else")}
        declared = set(self.raw.get("parameters", {}))
        problems = _string_problems(own, self.before(name), declared, where=action.get("type", ""))
        return [f"{name}: {p}" for p in problems]


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _string_problems(value: Any, visible: set[str], declared: set[str], where: str) -> list[str]:
    found = []
    for path, text in _strings(value):
        try:
            parts = template_parts(text)
        except WdlSyntaxError as error:
            found.append(f"{path}: {error}")
            continue
        for part in parts:
            if isinstance(part, str):
                continue
            for call in calls(part):
                if call.name in ACTION_FUNCTIONS:
                    (argument,) = call.args
                    target = argument.value if isinstance(argument, Literal) else None
                    if target not in visible:
                        found.append(f"{path}: {call.name}({target!r}) is not an action that ran before")
                if call.name == "parameters":
                    (argument,) = call.args
                    parameter = argument.value if isinstance(argument, Literal) else None
                    if parameter not in declared:
                        found.append(
                            f"{path}: parameters({parameter!r}) is not declared in the definition's parameters"
                        )
                if call.name == "item" and not (
                    (where == "Query" and path == ".inputs.where")
                    or (where == "Select" and path.startswith(".inputs.select"))
                ):
                    found.append(f"{path}: item() outside a Query's where or a Select's select")
                if call.name == "listCallbackUrl" and not (where == "HttpWebhook" and path.startswith(".inputs.")):
                    found.append(f"{path}: listCallbackUrl() outside a webhook's inputs")
    return found


def condition(expression: Any, context: Context) -> bool:
    """An If's expression: a string, or the object form (`{"greater": [a, b]}`, `{"not": {...}}`)."""
    if isinstance(expression, str):
        return bool(render(expression, context))
    ((name, operands),) = expression.items()
    if name in ("and", "or"):
        values = [condition(operand, context) for operand in operands]
        return all(values) if name == "and" else any(values)
    if name == "not":
        return not condition(operands, context)
    values = [render(o, context) if isinstance(o, str) else o for o in operands]
    return bool(evaluate(Call(name, tuple(Literal(v) for v in values)), context))


@dataclass
class Run:
    """How one run of a definition went: the run's status, its error, and each action's result
    (`attempts` counts the requests an HTTP action sent, retries included)."""

    status: str = "Succeeded"
    error: Mapping[str, Any] | None = None
    results: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ran(self) -> list[str]:
        return [name for name, result in self.results.items() if result["status"] != "Skipped"]


# error-exception-handling.md, "Retry policies": a request that "times out or fails, resulting in a
# 408, 429, or 5xx response" is resent; "Default retry policy": "up to 4 retries".
DEFAULT_RETRIES = 4
# Worst first: a branch with several predecessors takes the worst of theirs.
_SEVERITY = ("Failed", "TimedOut", "Cancelled", "Succeeded")


# Where the runtime may read a webhook's subscribe retry policy: see this module's docstring.
RETRY_POLICY_READINGS = ("inputs", "subscribe")


def retries_allowed(action: Mapping[str, Any], at: str = "inputs") -> int:
    """How many times Logic Apps resends ACTION's request, its policy read AT one of
    RETRY_POLICY_READINGS."""
    if at not in RETRY_POLICY_READINGS:
        raise ValueError(f"no retry policy reading {at!r}")
    inputs = action.get("inputs", {})
    if at == "subscribe" and action.get("type") == "HttpWebhook":
        inputs = inputs.get("subscribe", {})
    policy = inputs.get("retryPolicy")
    if policy is None or str(policy.get("type", "")).lower() == "default":
        return DEFAULT_RETRIES
    if str(policy["type"]).lower() == "none":
        return 0
    return int(policy["count"])


def _retryable(kind: str, answer: Mapping[str, Any]) -> bool:
    if kind == "Http" and answer.get("status") == "TimedOut":
        return True  # "If the trigger or action's original request times out"; a webhook's wait is not a request
    code = str((answer.get("outputs") or {}).get("statusCode", ""))
    return answer.get("status") == "Failed" and code.isdigit() and (int(code) in (408, 429) or int(code) >= 500)


def _answer(action: Mapping[str, Any], given: Any, policy_at: str) -> dict[str, Any]:
    """The result of an HTTP or webhook action whose requests get the answers GIVEN (one answer,
    repeated, or a list in order), retried as its policy (read at POLICY_AT) says."""
    answers = list(given) if isinstance(given, list) else [given or {}]
    allowed = retries_allowed(action, policy_at)
    attempt = 0
    while True:
        answer = answers[min(attempt, len(answers) - 1)]
        attempt += 1
        if not (_retryable(action["type"], answer) and attempt <= allowed):
            return {"status": "Succeeded", "outputs": {}, **answer, "attempts": attempt}


def branch_status(actions: Mapping[str, Any], results: Mapping[str, Mapping[str, Any]]) -> str:
    """The status of a run (or of a condition's branch) whose actions ended as RESULTS, by
    Microsoft's rule quoted in this module's docstring."""
    successors = {before for action in actions.values() for before in action.get("runAfter", {})}
    leaves = [name for name in actions if name not in successors]

    def ended(name: str) -> str:
        status = str(results.get(name, {"status": "Skipped"})["status"])
        if status != "Skipped":
            return status
        before = list(actions[name].get("runAfter", {}))
        if not before:
            return "Succeeded"  # a branch that did not run at all
        return min((ended(b) for b in before), key=_rank)

    endings = [ended(leaf) for leaf in leaves]
    if any(e in ("Failed", "TimedOut") for e in endings):
        return "Failed"
    return "Cancelled" if "Cancelled" in endings else "Succeeded"


def _rank(status: str) -> int:
    return _SEVERITY.index(status) if status in _SEVERITY else len(_SEVERITY)


def run(definition: Mapping[str, Any], calls: Mapping[str, Any], context: Context | None = None) -> Run:
    """Run DEFINITION as Logic Apps would, with CALLS giving each HTTP or webhook action's answer
    (`{"status": ..., "outputs": {...}}`, or a list of them for successive requests; Succeeded with
    empty outputs when not given)."""
    context = context or Context()
    outcome = Run(results=context.results)  # the run's results are what its expressions read

    def walk(actions: Mapping[str, Any]) -> bool:
        pending = dict(actions)
        while pending:
            name, action = next(
                (n, a) for n, a in pending.items() if all(b in outcome.results for b in a.get("runAfter", {}))
            )
            del pending[name]
            after = action.get("runAfter", {})
            if not all(outcome.results[b]["status"] in s for b, s in after.items()):
                outcome.results[name] = SkippedResult(name=name, status="Skipped")
                continue
            try:
                if step(name, action):
                    return True
            except (ExpressionError, KeyError, TypeError) as error:
                outcome.results[name] = {"status": "Failed", "code": "InvalidTemplate", "error": str(error)}
        return False

    def step(name: str, action: Mapping[str, Any]) -> bool:
        kind = action["type"]
        if kind in ("Http", "HttpWebhook"):
            request = action["inputs"].get("subscribe", action["inputs"])
            result = _answer(action, calls.get(name), context.retry_policy_at)
            result["inputs"] = _render_all(request, context)
            if result["status"] == "Cancelled" and context.cancel_ends_run:
                outcome.results[name] = result
                outcome.status = "Cancelled"
                return True
        elif kind == "Query":
            where = action["inputs"]["where"]
            items = render(action["inputs"]["from"], context)
            kept = [i for i in items if render(where, replace(context, item=i))]
            result = {"status": "Succeeded", "inputs": items, "outputs": {"body": kept}}
        elif kind == "Select":
            # "Select action": builds one object per item of `from`, item() being the current one
            # (logic-apps-workflow-actions-triggers.md).
            items = render(action["inputs"]["from"], context)
            shaped = [_render_all(action["inputs"]["select"], replace(context, item=i)) for i in items or []]
            result = {"status": "Succeeded", "inputs": items, "outputs": {"body": shaped}}
        elif kind == "Compose":
            composed = _render_all(action["inputs"], context)
            result = {"status": "Succeeded", "inputs": composed, "outputs": composed}
        elif kind == "Wait":
            result = {"status": "Succeeded"}
        elif kind == "Terminate":
            inputs = _render_all(action["inputs"], context)
            outcome.results[name] = {"status": "Succeeded", "inputs": inputs}
            outcome.status, outcome.error = inputs["runStatus"], inputs.get("runError")
            return True
        elif kind == "If":
            chosen = action["actions"] if condition(action["expression"], context) else action["else"]["actions"]
            outcome.results[name] = {"status": "Running"}
            if walk(chosen):
                outcome.results[name]["status"] = "Succeeded"
                return True
            outcome.results[name] = {"status": branch_status(chosen, outcome.results)}
            return False
        else:
            raise ValueError(f"{name}: this fake does not run {kind} actions")
        outcome.results[name] = result
        return False

    if not walk(definition["actions"]):
        outcome.status = branch_status(definition["actions"], outcome.results)
    return outcome


# Actions with only the Secure Inputs setting, which "also hides these actions' outputs".
_INPUTS_ONLY_SETTING = {"Compose", "ParseJson", "Response"}


def _secured(action: Mapping[str, Any]) -> set[str]:
    return set(action.get("runtimeConfiguration", {}).get("secureData", {}).get("properties", []))


def _uses(action: Mapping[str, Any]) -> set[str]:
    """The actions whose outputs ACTION's own inputs or expression read."""
    own = {k: v for k, v in action.items() if k not in ("actions", "else")}
    used: set[str] = set()
    for _path, text in _strings(own):
        try:
            parts = template_parts(text)
        except WdlSyntaxError:
            continue
        for part in parts:
            if not isinstance(part, str):
                used |= {c.args[0].value for c in calls(part) if c.name in ACTION_FUNCTIONS and c.args}
    return used


def hidden_in_history(definition: Mapping[str, Any]) -> dict[str, set[str]]:
    """For each action, which of its "inputs" and "outputs" run history hides.

    logic-apps-securing-a-logic-app.md, "Considerations for securing inputs and outputs":
    - Secure Outputs: "If a downstream action explicitly uses these secured outputs as inputs,
      Azure Logic Apps hides this action's inputs in the run history".
    - Secure Inputs: "If a downstream action explicitly uses the visible outputs from that trigger
      or action as inputs, Azure Logic Apps hides this downstream action's inputs in the run
      history, but [...] doesn't hide this action's outputs."
    - "The Compose, Parse JSON, and Response actions has only the Secure Inputs setting. When
      turned on, the setting also hides these actions' outputs." When they use secured upstream
      data, "Azure Logic Apps hides these actions' inputs and outputs"; and "If a downstream
      action explicitly uses the hidden outputs from the Compose, Parse JSON, or Response actions
      as inputs, Azure Logic Apps *doesn't hide this downstream action's inputs or outputs*."
    So hiding passes one step, from an action's own setting only.
    """
    actions = Definition(definition).actions
    hidden: dict[str, set[str]] = {}
    for name, action in actions.items():
        parts = set(_secured(action))
        if action["type"] in _INPUTS_ONLY_SETTING and "inputs" in parts:
            parts.add("outputs")
        if any(_secured(actions[used]) for used in _uses(action) if used in actions):
            parts.add("inputs")
            if action["type"] in _INPUTS_ONLY_SETTING:
                parts.add("outputs")
        hidden[name] = parts
    return hidden


def _render_all(value: Any, context: Context) -> Any:
    if isinstance(value, str):
        return render(value, context)
    if isinstance(value, Mapping):
        return {key: _render_all(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [_render_all(item, context) for item in value]
    return value
