"""The answers a process definition reads: every name its expressions (gateway conditions,
timers, task properties, service-task parameters, scripts, decision tables' inputs, entries
and outputs) read, less the names the process sets itself (script lines, decision tables'
outputs, service tasks' result variables, message variables), the case's own fields and the
work items' outcome, and the functions the language offers. What remains can only be an
answer to the service's form, so the builder refuses a form that does not ask it.

Expressions are read with the expression language's own parser (`expression_check`), so a
name is what the interpreter would look up, never a word inside a text or a method's name;
names bound by a comprehension (`[x for x in items]`) are its own. An expression outside
the language is skipped here: publishing refuses it with its reason.
"""

import ast
import re
from collections.abc import Iterable, Iterator

from lxml import etree

from townhall.core.xmlsafe import XmlRefused, xml_parse
from townhall.workflow.driver import CASE_NAMES, WORK_ITEM_NAMES, expression_helpers
from townhall.workflow.engine import SPIFF_NS, ExpressionRefused, expression_check
from townhall.workflow.expression_language import FUNCTIONS

# How the engine names a decision-table input inside an entry (`? in ("a", "b")`).
DMN_INPUT = "dmninputexpr"
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_SCRIPT_TAGS = {"script", "preScript", "postScript"}
# Elements whose text is one expression: conditions, timers, multi-instance loops, the
# payload a message sends.
_EXPRESSION_TAGS = {"conditionExpression", "timeDate", "timeDuration", "timeCycle"}
_EXPRESSION_TAGS |= {"loopCardinality", "completionCondition", "messagePayload"}
_PLACE_WORDS = [("Flow", "the path"), ("Task", "the task"), ("Event", "the event")]
_PLACE_WORDS += [("Gateway", "the gateway"), ("decision", "the decision table")]


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _stored(names: Iterable[ast.expr]) -> set[str]:
    return {n.id for target in names for n in ast.walk(target) if isinstance(n, ast.Name)}


def _names_read(node: ast.AST, bound: frozenset[str] = frozenset()) -> set[str]:
    """The free names `node` reads (function names called are not reads)."""
    if isinstance(node, ast.Name):
        return {node.id} - bound if isinstance(node.ctx, ast.Load) else set()
    if isinstance(node, _COMPREHENSIONS):
        found: set[str] = set()
        inner = set(bound)
        for generator in node.generators:
            found |= _names_read(generator.iter, frozenset(inner))
            inner |= _stored([generator.target])
            for condition in generator.ifs:
                found |= _names_read(condition, frozenset(inner))
        results = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        return found | {n for r in results for n in _names_read(r, frozenset(inner))}
    children = list(ast.iter_child_nodes(node))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        children.remove(node.func)
    return {name for child in children for name in _names_read(child, bound)}


def _tree(source: str, mode: str = "eval") -> ast.AST | None:
    try:
        return expression_check(source, mode=mode)
    except ExpressionRefused:
        return None


def _entry_tree(text: str) -> ast.AST | None:
    """A decision-table entry as the engine reads it: `?` stands for the input, and an
    entry that is not an expression by itself (`> 3`, `in ("a", "b")`) is a test on it."""
    text = _QUESTION_MARK.sub(DMN_INPUT, text)
    return _tree(text) or _tree(f"{DMN_INPUT} {text}")


def _parse(text: str) -> etree._Element | None:
    try:
        return xml_parse(text, what="process definition")
    except XmlRefused:
        return None


def _place(element: etree._Element) -> str:
    """The flow element an expression belongs to, in the words of the process designer."""
    for ancestor in element.iterancestors():
        tag = _local(ancestor.tag)
        for ending, word in _PLACE_WORDS:
            if tag.endswith(ending):
                return f"{word} '{ancestor.get('name') or ancestor.get('id')}'"
    return "the process"


def _bpmn_sources(root: etree._Element) -> Iterator[tuple[str, str, str]]:
    """(source, mode, place) of every expression and script in a BPMN document."""
    for element in root.iter():
        tag = _local(element.tag)
        if tag in _EXPRESSION_TAGS:
            yield (element.text or "").strip(), "eval", _place(element)
        elif tag in _SCRIPT_TAGS and (element.text or "").strip():
            yield element.text or "", "exec", _place(element)
    for param in root.iter(f"{{{SPIFF_NS}}}parameter"):
        yield param.get("value", ""), "eval", _place(param)
    for prop in root.iter(f"{{{SPIFF_NS}}}property"):
        value = prop.get("value", "")
        if prop.get("name") == "team" and value.startswith("="):
            yield value[1:], "eval", _place(prop)


def _bpmn_sets(root: etree._Element) -> set[str]:
    names = {
        operator.get("resultVariable", "")
        for operator in root.iter(f"{{{SPIFF_NS}}}serviceTaskOperator")
    }
    names |= {
        (element.text or "").strip() for element in root.iter(f"{{{SPIFF_NS}}}messageVariable")
    }
    return names - {""}


def _dmn_reads_and_sets(root: etree._Element) -> tuple[dict[str, set[str]], set[str]]:
    reads: dict[str, set[str]] = {}
    sets: set[str] = set()
    for element in root.iter():
        tag = _local(element.tag)
        text = (element.findtext("{*}text") or "").strip()
        if tag == "output":
            sets.add(element.get("name", ""))
            continue
        if tag == "inputExpression" and text:
            tree = _tree(text)
        elif tag == "inputEntry" and text not in ("", "-"):
            tree = _entry_tree(text)
        elif tag == "outputEntry" and text:
            tree = _tree(text)
        else:
            continue
        for name in _names_read(tree) - {DMN_INPUT} if tree is not None else ():
            reads.setdefault(name, set()).add(_place(element))
    return reads, sets - {""}


def process_definition_read_places(bpmn_xml: str, dmn_xmls: Iterable[str]) -> dict[str, list[str]]:
    """The answers a process definition reads (`process_definition_reads`), each with the
    places that read it (`the decision table 'Fly-tipping routing'`, `the path 'Yes'`)."""
    reads: dict[str, set[str]] = {}
    sets: set[str] = set()
    root = _parse(bpmn_xml)
    if root is not None:
        for source, mode, place in _bpmn_sources(root):
            tree = _tree(source, mode)
            if tree is None:
                continue
            for name in _names_read(tree):
                reads.setdefault(name, set()).add(place)
            if mode == "exec":
                lines = [line for line in ast.walk(tree) if isinstance(line, ast.Assign)]
                sets |= _stored(target for line in lines for target in line.targets)
        sets |= _bpmn_sets(root)
    for dmn in dmn_xmls:
        dmn_root = _parse(dmn)
        if dmn_root is not None:
            dmn_reads, dmn_sets = _dmn_reads_and_sets(dmn_root)
            for name, places in dmn_reads.items():
                reads.setdefault(name, set()).update(places)
            sets |= dmn_sets
    given = sets | CASE_NAMES | WORK_ITEM_NAMES | set(FUNCTIONS) | set(expression_helpers())
    return {name: sorted(places) for name, places in sorted(reads.items()) if name not in given}


def process_definition_reads(bpmn_xml: str, dmn_xmls: Iterable[str]) -> set[str]:
    """The answers a process definition reads: names its expressions read that neither the
    process sets, nor the case gives (`CASE_NAMES`, `WORK_ITEM_NAMES`), nor the language
    offers as a function. A document that does not parse reads nothing here (publishing
    refuses it with its reason)."""
    return set(process_definition_read_places(bpmn_xml, dmn_xmls))
