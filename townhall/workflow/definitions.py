"""Checks a process definition must pass before it is published, and the diff between two
versions. Pure functions over XML text: the publishing service and the designer call them.
"""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from townhall.core.xmlsafe import XmlRefused, xml_parse
from townhall.workflow.engine import (
    BPMN_NS,
    SPIFF_NS,
    ExpressionRefused,
    ParsedProcess,
    ProcessDefinitionError,
    expression_check,
    process_parse,
)

# Elements where a process waits for a person, a message or a timer: a loop must pass one.
WAIT_TAGS = {"userTask", "manualTask", "receiveTask", "intermediateCatchEvent", "boundaryEvent"}


class ProcessInvalid(ProcessDefinitionError):
    """A definition that parses but breaks a rule; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _parse(text: str) -> etree._Element:
    # Only ever reached after process_parse accepted the same text, through the same parser.
    try:
        return xml_parse(text, what="process definition")
    except XmlRefused as error:
        raise ProcessDefinitionError(str(error)) from error


def _dmn_problems(dmn_xml: str, known_teams: set[str], functions: set[str]) -> list[str]:
    problems = []
    root = _parse(dmn_xml)
    for table in root.iter():
        if _local(table.tag) != "decisionTable":
            continue
        decision = table.getparent()
        name = decision.get("name") or decision.get("id") if decision is not None else "table"
        inputs = [el for el in table if _local(el.tag) == "input"]
        outputs = [el for el in table if _local(el.tag) == "output"]
        rules = [el for el in table if _local(el.tag) == "rule"]
        if not rules:
            problems.append(f"Decision table '{name}' has no rules")
            continue
        has_catch_all = False
        for number, rule in enumerate(rules, start=1):
            entries = [el for el in rule if _local(el.tag) == "inputEntry"]
            texts = [(el.findtext("{*}text") or "").strip() for el in entries]
            if all(text in ("", "-") for text in texts):
                has_catch_all = True
            for text in texts:
                if text not in ("", "-"):
                    problems.extend(_entry_problem(text, name, number, functions))
            outs = [el for el in rule if _local(el.tag) == "outputEntry"]
            for column, out in zip(outputs, outs, strict=False):
                value = (out.findtext("{*}text") or "").strip()
                if value:
                    problems.extend(_expression_problem(value, name, number, functions))
                if column.get("name") == "team" and value:
                    slug = value.strip("\"'")
                    if slug not in known_teams:
                        problems.append(
                            f"Decision table '{name}' row {number} names an unknown team '{slug}'"
                        )
        if not has_catch_all:
            problems.append(
                f"Decision table '{name}' needs a catch-all last row (every input '-') so that "
                "a case no other row matches still gets a route"
            )
        for column in inputs:
            expression = (column.findtext("{*}inputExpression/{*}text") or "").strip()
            if expression:
                problems.extend(_expression_problem(expression, name, 0, functions))
    return problems


def _entry_problem(text: str, where: str, row: int, functions: set[str]) -> list[str]:
    """A DMN input entry is a value (`"lorry"`), a test to complete with the input
    (`in ("a", "b")`, `> 3`) or uses `?` for the input (`4 < ? < 6`), as the engine reads it."""
    text = text.replace("?", "dmninputexpr")
    if not _expression_problem(text, where, row, functions):
        return []
    return _expression_problem(f"dmninputexpr {text}", where, row, functions)


def _expression_problem(text: str, where: str, row: int, functions: set[str]) -> list[str]:
    try:
        expression_check(text, functions=functions)
    except ExpressionRefused as error:
        place = f"row {row}" if row else "an input"
        return [f"'{where}' {place}: {error} in {text!r}"]
    return []


def _bpmn_problems(
    bpmn_xml: str, known_operations: set[str], known_teams: set[str], functions: set[str]
) -> list[str]:
    problems = []
    root = _parse(bpmn_xml)
    for operator in root.iter(f"{{{SPIFF_NS}}}serviceTaskOperator"):
        name = operator.get("id", "")
        if name not in known_operations:
            task = operator.getparent().getparent()
            problems.append(
                f"Service task '{task.get('name') or task.get('id')}' calls an unknown "
                f"operation '{name}' (known: {', '.join(sorted(known_operations))})"
            )
        for param in operator.iter(f"{{{SPIFF_NS}}}parameter"):
            problems.extend(_expression_problem(param.get("value", ""), name, 0, functions))
    for prop in root.iter(f"{{{SPIFF_NS}}}property"):
        value = prop.get("value", "")
        if prop.get("name") == "team":
            if value.startswith("="):
                problems.extend(_expression_problem(value[1:], "team", 0, functions))
            elif value not in known_teams:
                problems.append(f"A user task names an unknown team '{value}'")
    for element in root.iter():
        tag = _local(element.tag)
        if tag in ("conditionExpression", "timeDate", "timeDuration", "timeCycle"):
            problems.extend(_expression_problem((element.text or "").strip(), tag, 0, functions))
        if tag == "scriptTask":
            script = element.findtext(f"{{{BPMN_NS}}}script") or ""
            try:
                expression_check(script, mode="exec", functions=functions)
            except ExpressionRefused as error:
                problems.append(f"Script task '{element.get('name')}': {error}")
    problems.extend(_loop_problems(root))
    return problems


def _loop_problems(root: etree._Element) -> list[str]:
    """Every cycle in the flow must pass a wait state, else the engine would spin forever
    inside one transaction. Remove the wait states and look for any cycle left."""
    problems = []
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        kinds = {el.get("id"): _local(el.tag) for el in process.iter() if el.get("id")}
        names = {el.get("id"): el.get("name") or el.get("id") for el in process.iter()}
        edges: dict[str, list[str]] = {}
        for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
            edges.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
        for boundary in process.iter(f"{{{BPMN_NS}}}boundaryEvent"):
            edges.setdefault(boundary.get("attachedToRef"), []).append(boundary.get("id"))
        nodes = set(edges) | {t for ts in edges.values() for t in ts}
        live = {n for n in nodes if kinds.get(n) not in WAIT_TAGS}
        cycle = _find_cycle(live, edges)
        if cycle:
            path = " → ".join(names.get(n, n) for n in cycle)
            problems.append(f"The flow loops without waiting for anyone: {path}")
    return problems


def _find_cycle(nodes: set[str], edges: dict[str, list[str]]) -> list[str]:
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        colour[node] = 1
        stack.append(node)
        for target in edges.get(node, []):
            if target not in nodes:
                continue
            if colour.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in colour:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return []

    for node in sorted(nodes):
        if node not in colour:
            found = visit(node)
            if found:
                return found
    return []


def process_definition_check(
    *,
    bpmn_xml: str,
    dmn_xmls: list[str],
    known_operations: Iterable[str],
    known_teams: Iterable[str],
    known_functions: Iterable[str] = (),
) -> ParsedProcess:
    """Parse a definition and check it against Townhall's rules: every decision table has a
    catch-all row, service tasks call known operations, user tasks and tables name known
    teams, expressions are within the expression language (calling only its functions and
    `known_functions`, the helpers a running process offers), and no loop runs without a
    wait state. Returns the parsed process; raises ProcessDefinitionError / ProcessInvalid."""
    parsed = process_parse(bpmn_xml, dmn_xmls)
    operations, teams = set(known_operations), set(known_teams)
    functions = set(known_functions)
    problems = _bpmn_problems(bpmn_xml, operations, teams, functions)
    for dmn in dmn_xmls:
        problems.extend(_dmn_problems(dmn, teams, functions))
    if problems:
        raise ProcessInvalid(problems)
    return parsed


def process_definition_teams(*, bpmn_xml: str, dmn_xmls: list[str]) -> set[str]:
    """The team slugs a definition names literally: user tasks' `team` property (an
    expression, `=...`, is decided at run time and not counted) and the values of decision
    tables' `team` output column. What `process_definition_check` requires to exist."""
    teams = set()
    for prop in _parse(bpmn_xml).iter(f"{{{SPIFF_NS}}}property"):
        value = prop.get("value", "")
        if prop.get("name") == "team" and value and not value.startswith("="):
            teams.add(value)
    for dmn in dmn_xmls:
        for table in _parse(dmn).iter():
            if _local(table.tag) != "decisionTable":
                continue
            outputs = [el for el in table if _local(el.tag) == "output"]
            for rule in (el for el in table if _local(el.tag) == "rule"):
                outs = [el for el in rule if _local(el.tag) == "outputEntry"]
                for column, out in zip(outputs, outs, strict=False):
                    value = (out.findtext("{*}text") or "").strip().strip("\"'")
                    if column.get("name") == "team" and value:
                        teams.add(value)
    return teams


@dataclass
class VersionDiff:
    """What changed between two versions: elements by id, and a line diff of the XML."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _elements(documents: list[str]) -> dict[str, str]:
    found = {}
    for text in documents:
        for element in _parse(text).iter():
            ident = element.get("id") if isinstance(element.tag, str) else None
            if ident and _local(element.tag) not in ("BPMNShape", "BPMNEdge", "BPMNPlane"):
                label = f"{_local(element.tag)} '{element.get('name') or ident}'"
                found[ident] = label + "\0" + etree.tostring(element, encoding="unicode")
    return found


def process_definition_diff(
    *, old_bpmn: str, old_dmns: list[str], new_bpmn: str, new_dmns: list[str]
) -> VersionDiff:
    """Compare two definitions: which elements (tasks, flows, rules...) were added, removed or
    changed, and a unified diff of the XML for the detail."""
    old, new = _elements([old_bpmn, *old_dmns]), _elements([new_bpmn, *new_dmns])
    diff = VersionDiff(
        added=sorted(new[i].split("\0")[0] for i in new.keys() - old.keys()),
        removed=sorted(old[i].split("\0")[0] for i in old.keys() - new.keys()),
        changed=sorted(
            new[i].split("\0")[0]
            for i in new.keys() & old.keys()
            if old[i] != new[i] and _local_children_changed(old[i], new[i])
        ),
    )
    old_lines = "\n\n".join([old_bpmn, *old_dmns]).splitlines(keepends=True)
    new_lines = "\n\n".join([new_bpmn, *new_dmns]).splitlines(keepends=True)
    diff.text = "".join(difflib.unified_diff(old_lines, new_lines, "before", "after", n=2))
    return diff


def _local_children_changed(old: str, new: str) -> bool:
    return old.split("\0", 1)[1] != new.split("\0", 1)[1]
