"""The answers a process definition reads: what its expressions look up, less what the
process sets itself, what the case gives and the language's functions."""

from pathlib import Path

import pytest
import yaml

from townhall.workflow.driver import CASE_NAMES, routing_data
from townhall.workflow.library import library_process
from townhall.workflow.reads import process_definition_read_places, process_definition_reads
from townhall.workflow.tests.helpers import case_open, demo_catalogue_with_processes

DEMO_SERVICES = Path(__file__).resolve().parents[2] / "demo" / "services"

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">
  <bpmn:message id="msg_done" name="done"/>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="score" name="Work out the score">
      <bpmn:script>score = len([item for item in bags if item != skip]) + extra
label = "urgent" if score > 3 else "normal"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:businessRuleTask id="route"><bpmn:extensionElements>
      <spiffworkflow:calledDecisionId>routing</spiffworkflow:calledDecisionId>
    </bpmn:extensionElements></bpmn:businessRuleTask>
    <bpmn:serviceTask id="send" name="Send"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="set_status" resultVariable="sent">
        <spiffworkflow:parameters>
          <spiffworkflow:parameter id="note" type="any" value="'Thank you, ' + greeting"/>
        </spiffworkflow:parameters>
      </spiffworkflow:serviceTaskOperator>
    </bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:userTask id="look" name="Look at it"><bpmn:extensionElements>
      <spiffworkflow:properties><spiffworkflow:property name="team" value="=team"/></spiffworkflow:properties>
    </bpmn:extensionElements></bpmn:userTask>
    <bpmn:receiveTask id="wait" messageRef="msg_done"><bpmn:extensionElements>
      <spiffworkflow:messageVariable>reply</spiffworkflow:messageVariable>
    </bpmn:extensionElements></bpmn:receiveTask>
    <bpmn:sequenceFlow id="f1" name="Urgent" sourceRef="start" targetRef="score">
      <bpmn:conditionExpression>label == "urgent" and main_road and reply.get("ok") and outcome == "done" and sent and contains(bags, "tyres") and within_reach</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:intermediateCatchEvent id="later" name="Later"><bpmn:timerEventDefinition>
      <bpmn:timeDate>clock["due_at"] if not rush else working_days_after(days)</bpmn:timeDate>
    </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  </bpmn:process>
</bpmn:definitions>
"""

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="d" namespace="x">
  <decision id="routing" name="Routing">
    <decisionTable id="t" hitPolicy="UNIQUE">
      <input id="i0"><inputExpression id="e0" typeRef="string"><text>size</text></inputExpression></input>
      <input id="i1"><inputExpression id="e1" typeRef="string"><text>count</text></inputExpression></input>
      <output id="o0" name="team" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="r1i0"><text>? in ("van", "lorry?")</text></inputEntry>
        <inputEntry id="r1i1"><text>&gt; threshold</text></inputEntry>
        <outputEntry id="r1o0"><text>"crew" if night else "day-crew"</text></outputEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="r2i0"><text>-</text></inputEntry>
        <inputEntry id="r2i1"><text></text></inputEntry>
        <outputEntry id="r2o0"><text>"crew"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_a_process_reads_the_free_names_of_every_kind_of_expression():
    assert process_definition_reads(BPMN, [DMN]) == {
        "bags",  # script (the comprehension's own `item` is not read), condition
        "skip",
        "extra",
        "greeting",  # a service task's parameter
        "within_reach",  # a path's condition
        "rush",  # a timer
        "days",
        "size",  # a decision table's inputs, entries and outputs
        "count",
        "threshold",
        "night",
    }


def test_names_the_process_sets_or_the_case_gives_are_not_answers():
    reads = process_definition_reads(BPMN, [DMN])
    # set by a script line, a decision table's output, a result variable, a message variable
    assert not reads & {"score", "label", "team", "sent", "reply"}
    # the case's own fields, a work item's outcome, the language's and the helpers' functions
    assert not reads & {"main_road", "clock", "outcome", "len", "contains", "working_days_after"}
    # a word inside a text, a method, the decision table's stand-in for its input
    assert not reads & {"urgent", "lorry", "get", "dmninputexpr"}


def test_each_answer_read_is_named_with_where_it_is_read():
    places = process_definition_read_places(BPMN, [DMN])
    assert places["bags"] == ["the path 'Urgent'", "the task 'Work out the score'"]
    assert places["threshold"] == ["the decision table 'Routing'"]
    assert places["rush"] == ["the event 'Later'"]


def test_a_definition_that_does_not_parse_reads_nothing():
    assert process_definition_reads("<not-xml", ["<nor this"]) == set()
    # An expression outside the language is skipped (publishing refuses it with its reason).
    reads = process_definition_reads(BPMN.replace("+ extra", "+ __class__"), [])
    assert "skip" not in reads and "greeting" in reads


@pytest.mark.parametrize("path", sorted(DEMO_SERVICES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_library_process_reads_only_answers_its_demo_form_asks(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not data.get("process") or not data.get("form"):
        return
    _, bpmn, dmns = library_process(data["process"]["library"])
    asked = {
        field["name"] for page in data["form"]["definition"]["pages"] for field in page["fields"]
    }
    assert process_definition_reads(bpmn, dmns) <= asked


@pytest.mark.django_db
def test_the_case_names_are_what_a_process_is_given_besides_the_answers():
    services = demo_catalogue_with_processes()
    case = case_open(services["report-fly-tipping"], {"waste_types": ["tyres"], "amount": "lorry"})
    assert set(routing_data(case, {"amount": "lorry"})) == CASE_NAMES | {"amount"}
