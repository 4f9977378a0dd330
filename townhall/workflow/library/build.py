"""Writes the default process library (`*.bpmn`, `*.dmn` beside this file) from the compact
descriptions below, with a simple diagram layout so bpmn-js can open and edit them.

The XML files are the source of truth once written (the designer edits them; the demo loader
publishes them). Run this only to regenerate the defaults:

    .venv/bin/python -m townhall.workflow.library.build
"""

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr  # escaping what we write # nosec B406

from townhall.catalogue.demo import team_slug

HERE = Path(__file__).resolve().parent

TEAM = {
    "crew": team_slug("Waste and street scene", "Street scene crew"),
    "waste_contracts": team_slug("Waste and street scene", "Waste contracts"),
    "specialist": team_slug("Waste and street scene", "Specialist clearance contractor"),
    "ig": team_slug("Legal and information governance", "Information governance"),
    "complaints": team_slug("Customer services", "Complaints and feedback"),
    "contact_centre": team_slug("Customer services", "Contact centre"),
    "garages": team_slug("Property services", "Garages and estates"),
    "highways": team_slug("Environmental services", "Highways liaison"),
    "enforcement": team_slug("Environmental services", "Environmental enforcement"),
    "sheltered": team_slug("Housing", "Sheltered housing"),
    "insurance": team_slug("Insurance", "Insurance and risk"),
}


@dataclass
class Node:
    id: str
    kind: str
    name: str = ""
    body: str = ""  # inner XML (extensions, definitions)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Flow:
    source: str
    target: str
    condition: str = ""
    name: str = ""


@dataclass
class Boundary:
    id: str
    attached: str
    name: str
    expression: str
    interrupting: bool = False


class Process:
    def __init__(self, key: str, name: str) -> None:
        self.key, self.name = key, name
        self.nodes: list[Node] = []
        self.flows: list[Flow] = []
        self.boundaries: list[Boundary] = []
        self.messages: set[str] = set()
        self.defaults: dict[str, int] = {}  # gateway id -> index of its default flow

    def add(self, node: Node) -> str:
        self.nodes.append(node)
        return node.id

    def start(self) -> str:
        return self.add(Node("start_event", "startEvent", "Request received"))

    def end(self, ident: str, name: str = "Done") -> str:
        return self.add(Node(ident, "endEvent", name))

    def user(self, ident: str, name: str, team: str, due: str = "case", outcomes: str = "") -> str:
        props = [("team", team), ("due", due)] + ([("outcomes", outcomes)] if outcomes else [])
        inner = "".join(
            f"<spiffworkflow:property name={quoteattr(k)} value={quoteattr(v)}/>" for k, v in props
        )
        body = (
            "<bpmn:extensionElements><spiffworkflow:properties>"
            f"{inner}</spiffworkflow:properties></bpmn:extensionElements>"
        )
        return self.add(Node(ident, "userTask", name, body))

    def service(
        self, ident: str, name: str, operation: str, result: str = "", **params: str
    ) -> str:
        inner = "".join(
            f'<spiffworkflow:parameter id={quoteattr(k)} type="any" value={quoteattr(v)}/>'
            for k, v in params.items()
        )
        result_attr = f" resultVariable={quoteattr(result)}" if result else ""
        body = (
            "<bpmn:extensionElements>"
            f"<spiffworkflow:serviceTaskOperator id={quoteattr(operation)}{result_attr}>"
            f"<spiffworkflow:parameters>{inner}</spiffworkflow:parameters>"
            "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements>"
        )
        return self.add(Node(ident, "serviceTask", name, body))

    def rule(self, ident: str, name: str, decision: str) -> str:
        body = (
            "<bpmn:extensionElements>"
            f"<spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>"
            "</bpmn:extensionElements>"
        )
        return self.add(Node(ident, "businessRuleTask", name, body))

    def gateway(self, ident: str, name: str) -> str:
        return self.add(Node(ident, "exclusiveGateway", name))

    def receive(self, ident: str, name: str, message: str, variable: str) -> str:
        self.messages.add(message)
        body = (
            "<bpmn:extensionElements>"
            f"<spiffworkflow:messageVariable>{variable}</spiffworkflow:messageVariable>"
            "</bpmn:extensionElements>"
        )
        return self.add(Node(ident, "receiveTask", name, body, {"messageRef": f"msg_{message}"}))

    def flow(self, source: str, target: str, condition: str = "", name: str = "") -> None:
        self.flows.append(Flow(source, target, condition, name))

    def default(self, source: str, target: str, name: str = "") -> None:
        self.defaults[source] = len(self.flows)
        self.flow(source, target, name=name)

    def chain(self, *ids: str) -> None:
        for a, b in zip(ids, ids[1:], strict=False):
            self.flow(a, b)

    def timer(
        self, ident: str, attached: str, name: str, expression: str, interrupting: bool = False
    ) -> str:
        self.boundaries.append(Boundary(ident, attached, name, expression, interrupting))
        return ident

    # -- XML ---------------------------------------------------------------------------

    def _layout(self) -> dict[str, tuple[int, int]]:
        order = [n.id for n in self.nodes] + [b.id for b in self.boundaries]
        targets: dict[str, list[str]] = {}
        for f in self.flows:
            targets.setdefault(f.source, []).append(f.target)
        column: dict[str, int] = {"start_event": 0}
        queue = ["start_event"]
        while queue:  # breadth first: each element one column right of its first source
            node = queue.pop(0)
            for target in targets.get(node, []):
                if target not in column:
                    column[target] = column[node] + 1
                    queue.append(target)
        for b in self.boundaries:
            for target in [b.id, *targets.get(b.id, [])]:
                if target not in column:
                    column[target] = column.get(b.attached, 0) + (0 if target == b.id else 1)
            for target in _reachable(b.id, targets):
                if target not in column:
                    column[target] = column[b.attached] + 1
        rows: dict[int, int] = {}
        positions = {}
        for ident in order:
            col = column.get(ident, 0)
            row = rows.get(col, 0)
            rows[col] = row + 1
            positions[ident] = (80 + col * 170, 80 + row * 140)
        return positions

    def xml(self) -> str:
        pos = self._layout()
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
            'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
            'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
            'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
            f'id="defs_{self.key}" targetNamespace="https://townhall.example/processes">',
        ]
        for message in sorted(self.messages):
            out.append(f'  <bpmn:message id="msg_{message}" name="{message}"/>')
        pid = self.key.replace("-", "_")
        out.append(
            f'  <bpmn:process id={quoteattr(pid)} name={quoteattr(self.name)} isExecutable="true">'
        )
        flow_ids = {i: f"flow_{i + 1}" for i in range(len(self.flows))}
        for node in self.nodes:
            attrs = {"id": node.id, **({"name": node.name} if node.name else {}), **node.attrs}
            if node.id in self.defaults:
                attrs["default"] = flow_ids[self.defaults[node.id]]
            attr_text = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
            incoming = [flow_ids[i] for i, f in enumerate(self.flows) if f.target == node.id]
            outgoing = [flow_ids[i] for i, f in enumerate(self.flows) if f.source == node.id]
            inner = node.body + "".join(f"<bpmn:incoming>{i}</bpmn:incoming>" for i in incoming)
            inner += "".join(f"<bpmn:outgoing>{o}</bpmn:outgoing>" for o in outgoing)
            out.append(f"    <bpmn:{node.kind} {attr_text}>{inner}</bpmn:{node.kind}>")
        for b in self.boundaries:
            outgoing = [flow_ids[i] for i, f in enumerate(self.flows) if f.source == b.id]
            out.append(
                f"    <bpmn:boundaryEvent id={quoteattr(b.id)} name={quoteattr(b.name)} "
                f"attachedToRef={quoteattr(b.attached)} "
                f'cancelActivity="{"true" if b.interrupting else "false"}">'
                + "".join(f"<bpmn:outgoing>{o}</bpmn:outgoing>" for o in outgoing)
                + "<bpmn:timerEventDefinition><bpmn:timeDate>"
                + escape(b.expression)
                + "</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
            )
        for i, f in enumerate(self.flows):
            name = f" name={quoteattr(f.name)}" if f.name else ""
            cond = (
                f"<bpmn:conditionExpression>{escape(f.condition)}</bpmn:conditionExpression>"
                if f.condition
                else ""
            )
            out.append(
                f'    <bpmn:sequenceFlow id="{flow_ids[i]}"{name} sourceRef="{f.source}" '
                f'targetRef="{f.target}">{cond}</bpmn:sequenceFlow>'
                if cond
                else f'    <bpmn:sequenceFlow id="{flow_ids[i]}"{name} sourceRef="{f.source}" '
                f'targetRef="{f.target}"/>'
            )
        out.append("  </bpmn:process>")
        out.append(f'  <bpmndi:BPMNDiagram id="diagram_{pid}">')
        out.append(f'    <bpmndi:BPMNPlane id="plane_{pid}" bpmnElement="{pid}">')
        sizes = {"startEvent": (36, 36), "endEvent": (36, 36), "exclusiveGateway": (50, 50)}
        kinds = {n.id: n.kind for n in self.nodes}
        boxes = {}
        for ident, (x, y) in pos.items():
            if ident in kinds:
                w, h = sizes.get(kinds[ident], (120, 80))
                bx, by = x + (120 - w) // 2, y + (80 - h) // 2
            else:
                attached = next(b for b in self.boundaries if b.id == ident).attached
                ax, ay = pos[attached]
                index = [b.id for b in self.boundaries if b.attached == attached].index(ident)
                w, h = 36, 36
                bx, by = ax + 20 + index * 50, ay + 62
            boxes[ident] = (bx, by, w, h)
            out.append(
                f'      <bpmndi:BPMNShape id="{ident}_di" bpmnElement="{ident}">'
                f'<dc:Bounds x="{bx}" y="{by}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
            )
        for i, f in enumerate(self.flows):
            sx, sy, sw, sh = boxes[f.source]
            tx, ty, tw, th = boxes[f.target]
            out.append(
                f'      <bpmndi:BPMNEdge id="{flow_ids[i]}_di" bpmnElement="{flow_ids[i]}">'
                f'<di:waypoint x="{sx + sw}" y="{sy + sh // 2}"/>'
                f'<di:waypoint x="{tx}" y="{ty + th // 2}"/></bpmndi:BPMNEdge>'
            )
        out.append("    </bpmndi:BPMNPlane>")
        out.append("  </bpmndi:BPMNDiagram>")
        out.append("</bpmn:definitions>")
        return "\n".join(out) + "\n"


def _reachable(start: str, targets: dict[str, list[str]]) -> list[str]:
    seen: list[str] = []
    stack = [start]
    while stack:
        node = stack.pop()
        for t in targets.get(node, []):
            if t not in seen:
                seen.append(t)
                stack.append(t)
    return seen


# ----------------------------------------------------------------------------------------
# The processes

AT_RISK = 'clock["at_risk_at"]'
DUE = 'clock["due_at"]'


def _escalations(p: Process, task: str, lead_text: str, holding_text: str) -> None:
    """The standard escalation on a piece of work: at risk → the team lead is told; overdue
    → priority goes up and the resident gets a holding message. Neither stops the work."""
    p.timer(f"{task}_at_risk", task, "At risk", AT_RISK)
    p.service(f"{task}_tell_lead", "Tell the team lead", "notify_team_lead", text=repr(lead_text))
    p.end(f"{task}_lead_told", "Team lead told")
    p.chain(f"{task}_at_risk", f"{task}_tell_lead", f"{task}_lead_told")
    p.timer(f"{task}_overdue", task, "Overdue", DUE)
    p.service(f"{task}_raise", "Raise the priority", "raise_priority")
    p.service(
        f"{task}_holding", "Send a holding message", "send_holding_message", text=repr(holding_text)
    )
    p.end(f"{task}_escalated", "Escalated")
    p.chain(f"{task}_overdue", f"{task}_raise", f"{task}_holding", f"{task}_escalated")


def _close(p: Process, ident: str, note: str, resolution: str = "completed") -> str:
    p.service(
        ident, "Close the case", "set_status", status='"closed"', note=repr(note),
        resolution=repr(resolution),
    )  # fmt: skip
    end = p.end(f"{ident}_end", "Closed")
    p.flow(ident, end)
    return ident


def _in_progress(p: Process, ident: str, note: str) -> str:
    return p.service(
        ident, "Mark in progress", "set_status", status='"in_progress"', note=repr(note)
    )


def _contractor_outcome(p: Process, wait: str, send: str, done: str, team: str) -> None:
    """After a contractor's reply: a job they rejected ("not ours") goes to an officer, who
    sends it again or deals with it another way. The resident is never told it is done when
    the contractor did not do it."""
    p.gateway(f"{wait}_outcome", "Did the contractor do it?")
    p.flow(wait, f"{wait}_outcome")
    p.user(f"{wait}_rejected", "The contractor rejected the job: decide what to do", team,
           due="working_days:1", outcomes="resend,done_another_way")  # fmt: skip
    p.flow(f"{wait}_outcome", f"{wait}_rejected", 'contractor_reply.get("outcome") == "rejected"',
           "Rejected")  # fmt: skip
    p.default(f"{wait}_outcome", done, "Done")
    p.gateway(f"{wait}_decide", "Send it again?")
    p.flow(f"{wait}_rejected", f"{wait}_decide")
    p.flow(f"{wait}_decide", send, 'outcome == "resend"', "Send again")
    p.default(f"{wait}_decide", done, "Dealt with another way")


def fly_tipping() -> tuple[Process, str]:
    p = Process("report-fly-tipping", "Report fly-tipping")
    p.start()
    p.rule("triage", "Triage: choose team and priority", "fly_tipping_routing")
    p.service("apply_route", "Route the case", "route", team="team", priority="priority",
              reason='"Triage: " + route_reason')  # fmt: skip
    p.gateway("who", "Who clears it?")
    p.chain("start_event", "triage", "apply_route", "who")
    # Specialist contractor: a job through the outbox, then wait for the reply.
    p.service("send_job", "Send the job to the specialist contractor", "contractor_job_send",
              partner='"specialist_clearance"', job='"clear_hazardous_fly_tip"',
              reply='"job_done"')  # fmt: skip
    _in_progress(p, "contractor_started", "We have sent our specialist contractor to clear this.")
    p.receive("wait_contractor", "Wait for the contractor", "job_done", "contractor_reply")
    p.flow("who", "send_job", 'route == "contractor"', "Specialist contractor")
    p.chain("send_job", "contractor_started", "wait_contractor")
    # Street-scene crew.
    _in_progress(p, "crew_started", "Our street-scene crew will clear this.")
    p.user("clear", "Clear the fly-tip", "=team", outcomes="cleared,not_found,private_land")
    p.default("who", "crew_started", "Street-scene crew")
    p.flow("crew_started", "clear")
    _escalations(p, "clear", "A fly-tip is at risk of missing its clearance target.",
                 "We are sorry this is taking longer than we hoped. It is now a priority.")  # fmt: skip
    p.gateway("cleared", "What did the crew find?")
    p.flow("clear", "cleared")
    p.user("evidence", "Check the evidence photo", "=team", due="working_days:1",
           outcomes="accepted,redo")  # fmt: skip
    p.flow("cleared", "evidence", 'outcome == "cleared"', "Cleared")
    _contractor_outcome(p, "wait_contractor", "send_job", "evidence", "=team")
    _close(p, "close_not_found", "Our crew went to the location but could not find the waste.",
           "no_further_action")  # fmt: skip
    p.flow("cleared", "close_not_found", 'outcome == "not_found"', "Not found")
    _close(p, "close_private", "This is on private land, so it is for the landowner to clear. "
           "We have written to them.", "not_councils_responsibility")  # fmt: skip
    p.default("cleared", "close_private", "Private land")
    p.gateway("photo_ok", "Photo shows it cleared?")
    p.flow("evidence", "photo_ok")
    _close(p, "close_cleared", "The fly-tipping has been cleared. Thank you for reporting it.")
    p.flow("photo_ok", "close_cleared", 'outcome == "accepted"', "Yes")
    p.default("photo_ok", "clear", "No: clear it again")
    dmn = decision_table(
        "fly_tipping_routing",
        "Fly-tipping routing",
        inputs=[
            ("Hazardous or asbestos", 'contains(waste_types, "asbestos") or '
             'contains(waste_types, "hazardous")'),
            ("Amount", "amount"),
            ("On a main road", "main_road"),
        ],  # fmt: skip
        outputs=["route", "team", "priority", "route_reason"],
        rules=[
            (["True", "", ""], ["contractor", TEAM["specialist"], "high",
                                "hazardous waste or asbestos: specialist contractor"]),
            (["", '? in ("small_van", "lorry")', ""], ["crew", TEAM["crew"], "high",
                                                "a van load or more: high priority"]),
            (["", "", "True"], ["crew", TEAM["crew"], "high", "on a main road: high priority"]),
            (["", "", ""], ["crew", TEAM["crew"], "normal", "street-scene crew"]),
        ],
    )  # fmt: skip
    return p, dmn


def missed_bin() -> tuple[Process, None]:
    p = Process("report-a-missed-bin-collection", "Report a missed bin collection")
    p.start()
    p.user("check_round", "Check the round", TEAM["waste_contracts"], due="working_days:1",
           outcomes="missed,collected_on_time")  # fmt: skip
    p.gateway("was_missed", "Was it missed?")
    p.chain("start_event", "check_round", "was_missed")
    p.service("send_job", "Send a return job to the waste contractor", "contractor_job_send",
              partner='"waste_contractor"', job='"return_collection"', reply='"job_done"')  # fmt: skip
    _in_progress(p, "returning", "We have asked the crew to come back and empty your bin.")
    p.receive("wait_crew", "Wait for the crew", "job_done", "contractor_reply")
    p.flow("was_missed", "send_job", 'outcome == "missed"', "Missed")
    p.chain("send_job", "returning", "wait_crew")
    p.timer("crew_late", "wait_crew", "Crew late", DUE)
    p.service("crew_late_hold", "Send a holding message", "send_holding_message",
              text='"The crew has not been back yet. We have chased them."')  # fmt: skip
    p.service("crew_late_lead", "Tell the team lead", "notify_team_lead",
              text='"The contractor has not confirmed a missed-bin return."')  # fmt: skip
    p.end("crew_late_end", "Chased")
    p.chain("crew_late", "crew_late_hold", "crew_late_lead", "crew_late_end")
    _close(p, "close_done", "The crew has been back and emptied your bin.")
    _contractor_outcome(p, "wait_crew", "send_job", "close_done", TEAM["waste_contracts"])
    _close(p, "close_on_time", "Our records show your bin was emptied on your collection day. "
           "If it is still full, please put it out by 7am next time.", "no_further_action")  # fmt: skip
    p.default("was_missed", "close_on_time", "Collected on time")
    return p, None


def foi() -> tuple[Process, None]:
    p = Process("make-a-freedom-of-information-request", "Freedom of Information request")
    p.start()
    p.user("check_clear", "Check the request is clear", TEAM["ig"], due="working_days:3",
           outcomes="clear,needs_clarification")  # fmt: skip
    p.gateway("is_clear", "Clear?")
    p.chain("start_event", "check_clear", "is_clear")
    p.service("pause", "Pause the clock", "clock_pause", result="clock",
              reason='"Waiting for clarification (s.1(3) FOIA)"')  # fmt: skip
    p.service("ask", "Ask the requester", "notify_resident",
              text='"We need you to clarify your request before we can answer it. An officer will '
              'be in touch; the 20 working days start again when we hear from you."')  # fmt: skip
    p.user("clarified", "Record the clarification received", TEAM["ig"], due="working_days:20")
    p.service("resume", "Restart the clock", "clock_resume", result="clock")
    p.flow("is_clear", "pause", 'outcome == "needs_clarification"', "Needs clarification")
    p.chain("pause", "ask", "clarified", "resume", "check_clear")
    _in_progress(p, "started", "We are gathering the information you asked for.")
    p.default("is_clear", "started", "Clear")
    p.user("respond", "Prepare and send the response", TEAM["ig"],
           outcomes="sent,public_interest_extension,refused")  # fmt: skip
    p.flow("started", "respond")
    _escalations(p, "respond", "An FOI request is at risk of missing its statutory deadline.",
                 "We are sorry: we need a little more time to answer your request.")  # fmt: skip
    p.gateway("answered", "Outcome")
    p.flow("respond", "answered")
    p.service("extend", "Extend for the public-interest test", "clock_extend", result="clock",
              reason='"Public-interest test (s.10(3) FOIA)"')  # fmt: skip
    p.service("tell_extension", "Tell the requester", "notify_resident",
              text='"We need to consider the public interest before answering, so we have '
              'extended the time limit by 20 working days, as the law allows."')  # fmt: skip
    p.flow("answered", "extend", 'outcome == "public_interest_extension"', "Extension")
    p.chain("extend", "tell_extension", "respond")
    _close(p, "close_sent", "We have sent you our response.")
    p.flow("answered", "close_sent", 'outcome == "sent"', "Sent")
    _close(p, "close_refused", "We have sent you our response, which explains why we cannot "
           "provide the information.", "no_further_action")  # fmt: skip
    p.default("answered", "close_refused", "Refused")
    return p, None


def sar() -> tuple[Process, None]:
    p = Process("make-a-subject-access-request", "Subject access request")
    p.start()
    p.user("verify", "Verify the requester's identity", TEAM["ig"], due="working_days:3",
           outcomes="verified,proof_needed")  # fmt: skip
    p.gateway("verified", "Identity verified?")
    p.chain("start_event", "verify", "verified")
    p.service("pause", "Pause the clock", "clock_pause", result="clock",
              reason='"Waiting for proof of identity"')  # fmt: skip
    p.service("ask", "Ask for proof of identity", "notify_resident",
              text='"Before we can send you personal information we need proof of your '
              'identity. The one-month time limit starts when we have it."')  # fmt: skip
    p.user("proof", "Record the proof of identity received", TEAM["ig"], due="working_days:20")
    p.service("resume", "Start the clock", "clock_resume", result="clock")
    p.flow("verified", "pause", 'outcome == "proof_needed"', "Proof needed")
    p.chain("pause", "ask", "proof", "resume", "verify")
    _in_progress(p, "started", "We have verified your identity and are gathering your information.")
    p.default("verified", "started", "Verified")
    p.user("gather", "Gather, redact and send the information", TEAM["ig"],
           outcomes="sent,extend")  # fmt: skip
    p.flow("started", "gather")
    _escalations(p, "gather", "A subject access request is at risk of missing its deadline.",
                 "We are sorry: we need a little more time to send your information.")  # fmt: skip
    p.gateway("done", "Outcome")
    p.flow("gather", "done")
    p.service("extend", "Extend by two months", "clock_extend", result="clock",
              reason='"Complex or numerous requests (UK GDPR Art. 12(3))"')  # fmt: skip
    p.service("tell_extension", "Tell the requester", "notify_resident",
              text='"Your request is complex, so we have extended the time limit by two months, '
              'as the law allows."')  # fmt: skip
    p.flow("done", "extend", 'outcome == "extend"', "Extend")
    p.chain("extend", "tell_extension", "gather")
    _close(p, "close_sent", "We have sent you the personal information we hold about you.")
    p.default("done", "close_sent", "Sent")
    return p, None


def complaint() -> tuple[Process, None]:
    p = Process("make-a-complaint", "Complaint (two stages)")
    p.start()
    _in_progress(p, "started", "We are looking into your complaint.")
    p.user("stage_1", "Investigate and reply (stage 1)", TEAM["complaints"], outcomes="replied")
    p.chain("start_event", "started", "stage_1")
    _escalations(p, "stage_1", "A stage 1 complaint is at risk of missing its 10 working days.",
                 "We are sorry: we need a little more time to reply to your complaint.")  # fmt: skip
    p.service("offer_review", "Offer a stage 2 review", "notify_resident",
              text='"We have replied to your complaint. If you are not happy with our reply, you '
              'can ask for a review (stage 2) within 20 working days."')  # fmt: skip
    p.receive("wait_review", "Wait for a review request", "stage_2_requested", "review_request")
    p.chain("stage_1", "offer_review", "wait_review")
    p.timer("no_review", "wait_review", "No review asked for", "working_days_after(20)", True)
    _close(p, "close_stage_1", "Your complaint is closed. Thank you for telling us.")
    p.flow("no_review", "close_stage_1")
    p.service("stage_2_clock", "Start the stage 2 clock", "clock_start", result="clock",
              kind='"complaint_stage_2"', reason='"Stage 2 review requested"')  # fmt: skip
    p.user("stage_2", "Review the complaint (stage 2)", TEAM["complaints"], outcomes="replied")
    p.chain("wait_review", "stage_2_clock", "stage_2")
    _escalations(p, "stage_2", "A stage 2 review is at risk of missing its 20 working days.",
                 "We are sorry: we need a little more time to finish the review.")  # fmt: skip
    _close(p, "close_stage_2", "We have sent you our stage 2 reply. If you are still unhappy you "
           "can contact the Local Government and Social Care Ombudsman.")  # fmt: skip
    p.flow("stage_2", "close_stage_2")
    return p, None


def bulky_waste() -> tuple[Process, None]:
    p = Process("book-a-bulky-waste-collection", "Bulky waste collection")
    p.start()
    # GOV.UK Pay confirms the payment (webhook or polling); an unpaid booking is released.
    p.receive("payment", "Wait for the payment", "payment_done", "payment_result")
    p.gateway("paid", "Paid?")
    p.chain("start_event", "payment", "paid")
    p.service("send_job", "Book the collection with the contractor", "contractor_job_send",
              partner='"bulky_waste_contractor"', job='"collect_bulky_items"',
              reply='"job_done"')  # fmt: skip
    _in_progress(p, "booked", "Your collection is booked. Please put the items out by 7am.")
    p.receive("wait_collection", "Wait for the collection", "job_done", "contractor_reply")
    p.flow("paid", "send_job", 'payment_result.get("outcome") == "paid"', "Paid")
    p.chain("send_job", "booked", "wait_collection")
    p.timer("collection_late", "wait_collection", "Collection late", DUE)
    p.service("late_lead", "Tell the team lead", "notify_team_lead",
              text='"A bulky waste collection has not been confirmed by its due date."')  # fmt: skip
    p.end("late_end", "Chased")
    p.chain("collection_late", "late_lead", "late_end")
    _close(p, "close_collected", "Your items have been collected.")
    _contractor_outcome(p, "wait_collection", "send_job", "close_collected",
                        TEAM["waste_contracts"])  # fmt: skip
    _close(p, "close_unpaid", "We did not receive your payment in time, so the collection was "
           "not booked. You can book again at any time.", "withdrawn")  # fmt: skip
    p.default("paid", "close_unpaid", "Not paid")
    return p, None


def garden_waste() -> tuple[Process, None]:
    p = Process("subscribe-to-garden-waste-collection", "Garden waste subscription")
    p.start()
    p.receive("payment", "Wait for the payment", "payment_done", "payment_result")
    p.gateway("paid", "Paid?")
    p.chain("start_event", "payment", "paid")
    _in_progress(p, "set_up", "Your subscription is set up. We will deliver your brown bin.")
    p.user("deliver", "Deliver the brown bin", TEAM["waste_contracts"], outcomes="delivered")
    p.flow("paid", "set_up", 'payment_result.get("outcome") == "paid"', "Paid")
    p.flow("set_up", "deliver")
    _escalations(p, "deliver", "A brown bin delivery is at risk of being late.",
                 "We are sorry: your brown bin delivery is taking longer than planned.")  # fmt: skip
    _close(p, "close_delivered", "Your brown bin has been delivered. Collections start on your "
           "next garden waste day.")  # fmt: skip
    p.flow("deliver", "close_delivered")
    _close(p, "close_unpaid", "We did not receive your payment in time, so the subscription was "
           "not set up. You can apply again at any time.", "withdrawn")  # fmt: skip
    p.default("paid", "close_unpaid", "Not paid")
    return p, None


def garage() -> tuple[Process, None]:
    p = Process("apply-to-rent-a-garage", "Garage rental")
    p.start()
    p.user("assess", "Check the application", TEAM["garages"], due="working_days:5",
           outcomes="eligible,not_eligible")  # fmt: skip
    p.gateway("eligible", "Eligible?")
    p.chain("start_event", "assess", "eligible")
    _in_progress(p, "accepted", "Your application has been accepted. We are finding you a garage.")
    p.user("allocate", "Allocate a garage", TEAM["garages"], outcomes="allocated")
    p.flow("eligible", "accepted", 'outcome == "eligible"', "Eligible")
    p.flow("accepted", "allocate")
    _escalations(p, "allocate", "A garage application is at risk of missing its target.",
                 "We are still looking for a garage for you. Thank you for your patience.")  # fmt: skip
    p.service(
        "offer",
        "Offer the garage",
        "notify_resident",
        text='"We have a garage for you. We will send the tenancy agreement to sign."',
    )
    p.user("tenancy", "Sign the tenancy agreement", TEAM["garages"], due="working_days:10",
           outcomes="signed")  # fmt: skip
    p.chain("allocate", "offer", "tenancy")
    _close(p, "close_let", "Your garage tenancy has started.")
    p.flow("tenancy", "close_let")
    _close(p, "close_refused", "We are sorry: you are not eligible to rent a council garage.",
           "no_further_action")  # fmt: skip
    p.default("eligible", "close_refused", "Not eligible")
    return p, None


def call_back() -> tuple[Process, None]:
    p = Process("request-a-call-back", "Call-back request")
    p.start()
    p.user("call", "Call the resident back", TEAM["contact_centre"], outcomes="spoke,no_answer")
    p.flow("start_event", "call")
    _escalations(p, "call", "A call-back is at risk of missing its 2 working days.",
                 "We are sorry we have not called you back yet. We will call you soon.")  # fmt: skip
    p.gateway("answered", "Answered?")
    p.flow("call", "answered")
    p.service(
        "left_message",
        "Tell the resident we tried",
        "notify_resident",
        text='"We tried to call you back but could not reach you. We will try again."',
    )
    p.user("call_again", "Try calling again", TEAM["contact_centre"], due="working_days:1",
           outcomes="spoke,no_answer")  # fmt: skip
    p.flow("answered", "left_message", 'outcome == "no_answer"', "No answer")
    p.chain("left_message", "call_again", "answered")
    _close(p, "close_spoke", "We have called you back.")
    p.default("answered", "close_spoke", "Spoke")
    return p, None


def generic(key: str, name: str, team: str, work: str) -> tuple[Process, None]:
    """Assess → do the work → close, with the standard escalations."""
    p = Process(key, name)
    p.start()
    p.user("assess", "Assess the request", team, due="working_days:2",
           outcomes="action_needed,no_action,not_ours")  # fmt: skip
    p.gateway("decision", "Action needed?")
    p.chain("start_event", "assess", "decision")
    _in_progress(p, "started", "We have passed this to the team.")
    p.user("work", work, team, outcomes="done")
    p.flow("decision", "started", 'outcome == "action_needed"', "Action needed")
    p.flow("started", "work")
    _escalations(p, "work", f"'{name}' work is at risk of missing its target.",
                 "We are sorry this is taking longer than we hoped. It is now a priority.")  # fmt: skip
    _close(p, "close_done", "We have dealt with this. Thank you for letting us know.")
    p.flow("work", "close_done")
    _close(p, "close_no_action", "We looked into this and there is nothing more we need to do.",
           "no_further_action")  # fmt: skip
    p.flow("decision", "close_no_action", 'outcome == "no_action"', "No action")
    _close(p, "close_not_ours", "This is not something the council looks after. We have passed "
           "it to the right body.", "not_councils_responsibility")  # fmt: skip
    p.default("decision", "close_not_ours", "Not ours")
    return p, None


GENERIC = [
    ("report-a-pothole-or-road-defect", "Pothole or road defect",
     TEAM["highways"], "Arrange the repair"),
    ("report-an-abandoned-vehicle", "Abandoned vehicle",
     TEAM["enforcement"], "Inspect and deal with the vehicle"),
    ("report-graffiti", "Graffiti", TEAM["crew"], "Remove the graffiti"),
    ("report-a-dead-animal", "Dead animal", TEAM["crew"], "Remove the animal"),
    ("sheltered-housing-check", "Sheltered housing check", TEAM["sheltered"],
     "Follow up the check"),
    ("internal-insurance-claim", "Insurance claim", TEAM["insurance"],
     "Assess the claim"),
]  # fmt: skip


def decision_table(
    ident: str,
    name: str,
    *,
    inputs: list[tuple[str, str]],
    outputs: list[str],
    rules: list[tuple[list[str], list[str]]],
) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
        f'id="defs_{ident}" name={quoteattr(name)} namespace="https://townhall.example/decisions">',
        f"  <decision id={quoteattr(ident)} name={quoteattr(name)}>",
        f'    <decisionTable id="{ident}_table" hitPolicy="UNIQUE">',
    ]
    for i, (label, expression) in enumerate(inputs):
        out.append(
            f'      <input id="{ident}_in_{i}" label={quoteattr(label)}>'
            f'<inputExpression id="{ident}_in_{i}_expr" typeRef="string">'
            f"<text>{escape(expression)}</text></inputExpression></input>"
        )
    for i, output in enumerate(outputs):
        out.append(
            f'      <output id="{ident}_out_{i}" label={quoteattr(output)} '
            f'name={quoteattr(output)} typeRef="string"/>'
        )
    for r, (ins, outs) in enumerate(rules, start=1):
        out.append(f'      <rule id="{ident}_rule_{r}">')
        for c, text in enumerate(ins):
            out.append(
                f'        <inputEntry id="{ident}_r{r}_i{c}"><text>{escape(text)}</text></inputEntry>'
            )
        for c, text in enumerate(outs):
            value = f'"{text}"'
            out.append(
                f'        <outputEntry id="{ident}_r{r}_o{c}"><text>{escape(value)}</text>'
                "</outputEntry>"
            )
        out.append("      </rule>")
    out += ["    </decisionTable>", "  </decision>", "</definitions>"]
    return "\n".join(out) + "\n"


def all_processes() -> list[tuple[Process, str | None]]:
    return [
        fly_tipping(),
        missed_bin(),
        foi(),
        sar(),
        complaint(),
        bulky_waste(),
        garden_waste(),
        garage(),
        call_back(),
        *[generic(*args) for args in GENERIC],
    ]


def main() -> None:
    for process, dmn in all_processes():
        (HERE / f"{process.key}.bpmn").write_text(process.xml(), encoding="utf-8")
        if dmn:
            (HERE / f"{process.key}.dmn").write_text(dmn, encoding="utf-8")
        print(f"wrote {process.key}")


if __name__ == "__main__":
    main()
