"""The one module that talks to SpiffWorkflow. Everything else in Townhall calls these
functions with plain values (XML text, JSON text, dicts), so the engine could be replaced
without touching services, views or tests of behaviour.

What this adapter adds to the library:
- a parsed spec cached per content hash (parsing costs milliseconds, a case start must not);
- state serialized *without* the process definition (a case stores a reference to its
  `ProcessVersion` instead): ~5 KB a case instead of ~16 KB;
- designer-written expressions run in the interpreter of `workflow.expressions` (a small
  documented language with bounded time and sizes), never Python's `eval`/`exec`;
- service tasks reach Django through one callback (`call_operation`), and its real error is
  reported (the library's own `call_service` turns every error into a NameError);
- one clock, `engine_now()`, that the library's timers also read, so tests and the benchmark
  can move time forward without sleeping.
"""

import json
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from townhall.core.xmlsafe import XmlRefused, xml_parse
from townhall.workflow.expression_language import ExpressionNameError, ExpressionRefused
from townhall.workflow.expressions import expression_check, expression_evaluate, script_run

__all__ = [
    "ExpressionNameError",
    "ExpressionRefused",
    "expression_check",
    "expression_evaluate",
]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NS_PREFIX = "https://www.omg.org/spec/DMN/"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
TIMER_EVENT_TYPES = {
    "TimeDateEventDefinition",
    "DurationTimerEventDefinition",
    "CycleTimerEventDefinition",
}

# Operation callback: (operation name, {param: value}, task data, engine task id) -> a
# JSON-able result stored in the task's result variable.
Operation = Callable[[str, dict[str, Any], dict[str, Any], str], Any]


class ProcessDefinitionError(Exception):
    """The BPMN or DMN cannot be parsed or is not a valid process."""


class EngineError(Exception):
    """A running process failed; `message` is the real cause, fit to show an officer."""

    def __init__(self, message: str, task_name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.task_name = task_name


# ----------------------------------------------------------------------------------------
# One clock for the engine and the library's timers


_clock_shift = timedelta(0)


def engine_now() -> datetime:
    return datetime.now(UTC) + _clock_shift


class _EngineDateTime(datetime):
    """What SpiffWorkflow's timer module sees as `datetime`: the engine's clock."""

    @classmethod
    def now(cls, tz: Any = None) -> "_EngineDateTime":  # type: ignore[override]
        moment = engine_now()
        moment = moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)
        return cls.fromtimestamp(moment.timestamp(), tz)


_spiff_timer.datetime = _EngineDateTime  # type: ignore[misc]


@contextmanager
def engine_clock_shift(delta: timedelta) -> Iterator[None]:
    """Run with the engine's clock moved `delta` ahead (tests, the benchmark, demos)."""
    global _clock_shift
    previous = _clock_shift
    _clock_shift = previous + delta
    try:
        yield
    finally:
        _clock_shift = previous


# ----------------------------------------------------------------------------------------
# Designer-written expressions: evaluated by the interpreter in `expressions`, never `eval`


class RestrictedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's task-data environment with restricted, time-limited expressions and
    service tasks that call `call_operation`."""

    def __init__(self, helpers: dict[str, Any], call_operation: Operation | None) -> None:
        super().__init__(helpers)
        self.call_operation = call_operation

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        return expression_evaluate(
            expression, {**(external_context or {}), **context}, self.globals
        )

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        """A script task: `name = expression` lines in the same language, setting task data."""
        self.check_for_overwrite(context, external_context or {})
        context.update(script_run(script, {**(external_context or {}), **context}, self.globals))
        return True

    def call_service(self, context: dict, **kwargs: Any) -> str:
        if self.call_operation is None:
            raise EngineError("Service tasks cannot run here")
        params = {name: spec["value"] for name, spec in kwargs["operation_params"].items()}
        result = self.call_operation(
            kwargs["operation_name"], params, context, kwargs.get("task_id", "")
        )
        return json.dumps(result if result is not None else {})


class _ScriptEngine(PythonScriptEngine):
    def call_service(self, task: Any, **kwargs: Any) -> Any:
        # The library's version refers to an undefined name when the service fails, which
        # hides the real error behind a NameError; keep the original exception instead.
        return self.environment.call_service(task.data, task_id=str(task.id), **kwargs)


# ----------------------------------------------------------------------------------------
# Specs


_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


@dataclass
class ParsedProcess:
    process_id: str
    spec: Any
    subprocess_specs: dict[str, Any]


def _xml(text: str, what: str) -> Any:
    # The hardened parser: no DTD, no entities, no network, oversize refused (core.xmlsafe).
    # SpiffWorkflow's parser takes the parsed elements, so it never parses the text itself.
    try:
        return xml_parse(text, what=what)
    except XmlRefused as error:
        raise ProcessDefinitionError(str(error)) from error


def process_parse(bpmn_xml: str, dmn_xmls: list[str]) -> ParsedProcess:
    """Parse and schema-validate a BPMN document and its DMN tables; the document must hold
    exactly one executable process. Raises ProcessDefinitionError with the reason."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        for index, dmn in enumerate(dmn_xmls):
            parser.add_dmn_xml(_xml(dmn, f"decision table file {index + 1}"))
        parser.add_bpmn_xml(_xml(bpmn_xml, "BPMN file"), filename="process.bpmn")
        ids = parser.get_process_ids()
        executable = [pid for pid in ids if _is_executable(bpmn_xml, pid)]
        if len(executable) != 1:
            raise ProcessDefinitionError(
                f"The BPMN file must hold exactly one executable process, not {len(executable)}"
            )
        process_id = executable[0]
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ProcessDefinitionError:
        raise
    except Exception as error:  # the parser raises many kinds; all mean "not valid"
        raise ProcessDefinitionError(_describe(error)) from error
    return ParsedProcess(process_id, spec, subprocess_specs)


def _is_executable(bpmn_xml: str, process_id: str) -> bool:
    root = _xml(bpmn_xml, "BPMN file")
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        if process.get("id") == process_id:
            return process.get("isExecutable", "true") != "false"
    return False


_dump_lock = threading.Lock()
_spec_cache: dict[str, ParsedProcess] = {}
_spec_lock = threading.Lock()


def process_spec_cached(content_hash: str) -> ParsedProcess | None:
    """The parsed process of a version if this process has parsed it already."""
    return _spec_cache.get(content_hash)


def process_spec(content_hash: str, bpmn_xml: str, dmn_xmls: list[str]) -> ParsedProcess:
    """The parsed process of one version, parsed once per process and content hash."""
    parsed = _spec_cache.get(content_hash)
    if parsed is None:
        parsed = process_parse(bpmn_xml, dmn_xmls)
        with _spec_lock:
            _spec_cache[content_hash] = parsed
    return parsed


def _describe(error: BaseException) -> str:
    if isinstance(error, SpiffWorkflowException):
        text = str(error)
        notes = getattr(error, "notes", None) or getattr(error, "__notes__", None) or []
        if notes:
            text = f"{text} ({'; '.join(str(n) for n in notes)})"
        cause = getattr(error, "exception", None)
        if cause is not None and str(cause) not in text:
            text = f"{text}: {type(cause).__name__}: {cause}"
        return text
    return f"{type(error).__name__}: {error}"


# ----------------------------------------------------------------------------------------
# Running


def state_encode(text: str) -> bytes:
    return zlib.compress(text.encode(), 6)


def state_decode(state: bytes | memoryview) -> str:
    return zlib.decompress(bytes(state)).decode()


def _workflow_converter() -> Any:
    restore = _serializer.registry.convert_from_dict[_serializer.registry.typenames[BpmnWorkflow]]
    return restore.args[0].__self__


@dataclass(frozen=True)
class UserTask:
    id: str
    name: str  # BPMN element id
    title: str
    properties: dict[str, str]
    data: dict[str, Any]


class Run:
    """One process loaded for one change: start or load it, act, then `dump()` it."""

    def __init__(
        self,
        parsed: ParsedProcess,
        helpers: dict[str, Any],
        call_operation: Operation | None,
        workflow: BpmnWorkflow | None = None,
    ) -> None:
        self.parsed = parsed
        self.engine = _ScriptEngine(RestrictedEnvironment(helpers, call_operation))
        if workflow is None:
            workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs)
        workflow.script_engine = self.engine
        self.workflow = workflow

    @classmethod
    def load(
        cls,
        parsed: ParsedProcess,
        state: bytes | memoryview,
        helpers: dict[str, Any],
        call_operation: Operation | None,
    ) -> "Run":
        dct = json.loads(state_decode(state))
        dct.pop(_serializer.VERSION_KEY, None)
        # What BpmnWorkflowConverter.from_dict does, but with the version's parsed spec
        # (cached) instead of a spec rebuilt from a copy of the definition in every case.
        converter = _workflow_converter()
        workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, deserializing=True)
        workflow.tasks = converter.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        converter.set_default_attributes(workflow, dct)
        converter.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = _serializer.registry.restore(dct.pop("bpmn_events", []))
        return cls(parsed, helpers, call_operation, workflow)

    def dump(self) -> bytes:
        """The engine state without the process definition, compressed (JSON repeats
        itself: ~10 KB of JSON for a fly-tipping case stores in ~2 KB)."""
        converter = _workflow_converter()
        registry = _serializer.registry
        # The registry keeps its encoder mode in a flag on a shared object: one dump at a time
        # per process, or a concurrent sweeper thread would switch it off under another.
        with _dump_lock:
            return state_encode(self._dump_text(converter, registry))

    def _dump_text(self, converter: Any, registry: Any) -> str:
        registry._encoder_mode = True
        try:
            # BpmnWorkflowConverter.to_dict without `spec` and `subprocess_specs`.
            dct = WorkflowConverter.to_dict(converter, self.workflow)
            dct["subprocesses"] = converter.mapping_to_dict(self.workflow.subprocesses)
            dct["bpmn_events"] = registry.convert(self.workflow.bpmn_events)
            dct["typename"] = registry.typenames[BpmnWorkflow]
            dct[_serializer.VERSION_KEY] = _serializer.VERSION
            return json.dumps(dct, separators=(",", ":"), cls=_serializer._encoder_cls)
        finally:
            registry._encoder_mode = False

    def _steps(self) -> None:
        try:
            self.workflow.do_engine_steps()
        except Exception as error:
            raise EngineError(_describe(error), self._error_task_name()) from error

    def _error_task_name(self) -> str:
        tasks = self.workflow.get_tasks(state=TaskState.ERROR)
        return tasks[0].task_spec.bpmn_name or tasks[0].task_spec.name if tasks else ""

    def start(self, data: dict[str, Any]) -> None:
        """Put `data` on the start event and run until the process waits."""
        start = self.workflow.get_tasks(state=TaskState.READY)
        for task in start:
            task.data.update(data)
        self._steps()

    def user_tasks(self) -> list[UserTask]:
        tasks = []
        for task in self.workflow.get_tasks(state=TaskState.READY, manual=True):
            spec = task.task_spec
            extensions = getattr(spec, "extensions", {}) or {}
            tasks.append(
                UserTask(
                    id=str(task.id),
                    name=spec.name,
                    title=spec.bpmn_name or spec.name,
                    properties=dict(extensions.get("properties", {})),
                    data=task.data,
                )
            )
        return tasks

    def evaluate(self, expression: str, data: dict[str, Any]) -> Any:
        """Evaluate a restricted expression against some task data (e.g. a task's team)."""
        return self.engine.environment.evaluate(expression, dict(data))

    def complete(self, task_id: str, data: dict[str, Any]) -> None:
        """Complete a ready user task with `data` and run until the process waits again."""
        task = next(
            (
                t
                for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
                if str(t.id) == task_id
            ),
            None,
        )
        if task is None:
            raise EngineError("This task is no longer waiting to be done")
        task.data.update(data)
        try:
            task.run()
        except Exception as error:
            raise EngineError(_describe(error), task.task_spec.name) from error
        self._steps()

    def deliver_message(self, name: str, payload: dict[str, Any]) -> bool:
        """Deliver a message (a partner's reply); False when nothing waits for it."""
        event = BpmnEvent(MessageEventDefinition(name), payload=payload)
        try:
            caught = self.workflow.event_manager.catch(event, internal=False)
        except Exception as error:
            raise EngineError(_describe(error)) from error
        if not caught:
            return False
        self._steps()
        return True

    def waiting_messages(self) -> list[str]:
        return [
            event.name
            for event in self.workflow.waiting_events()
            if event.event_type.endswith("MessageEventDefinition")
        ]

    def fire_timers(self) -> None:
        """Fire every timer whose time has come, then run on (both steps are needed)."""
        try:
            self.workflow.refresh_timers()
        except Exception as error:
            raise EngineError(_describe(error), self._error_task_name()) from error
        self._steps()

    def next_timer_at(self) -> datetime | None:
        moments = []
        for event in self.workflow.waiting_events():
            if event.event_type in TIMER_EVENT_TYPES and event.value:
                value = event.value if isinstance(event.value, str) else str(event.value)
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=UTC)
                moments.append(moment)
        return min(moments) if moments else None

    def retry(self) -> bool:
        """Put every task in error back to ready and run on; False if none was in error."""
        failed = self.workflow.get_tasks(state=TaskState.ERROR)
        if not failed:
            return False
        for task in failed:
            self.workflow.reset_from_task_id(task.id)
        self._steps()
        return True

    @property
    def is_completed(self) -> bool:
        return bool(self.workflow.is_completed())

    @property
    def data(self) -> dict[str, Any]:
        return self.workflow.data

    def cancel(self) -> None:
        self.workflow.cancel()
