"""The service file: one service, its form and its process as one readable YAML document.

Pure functions, no database: `service_file_dump` turns the data of a service (a dict shaped
by the schema) into text, `service_file_load` turns text back into that dict after checking
it against the published schema (`static/builder/service-file.schema.json`, linked from
`docs/service-file.schema.json`). What the data means (teams, the form, the process) is
checked by `builder.services`, which writes it.

The text is deterministic: keys are written in one fixed order (the schema's), mappings
that have no order of their own are put in one (a form definition's and a fee rule's keys in
the order their schemas list them, channel costs and a rule's prices sorted), and nothing
that differs between databases (ids, timestamps, version numbers) is written. So export,
import into an empty database and export again gives the same bytes.
"""

import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from townhall.eforms.definition import SCHEMA_PATH as FORM_SCHEMA_PATH
from townhall.eforms.definition import definition_schema_errors

SCHEMA_PATH = Path(__file__).resolve().parent / "static" / "builder" / "service-file.schema.json"
SCHEMA_URL = "/static/builder/service-file.schema.json"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_REASONS = 25
FORM_POINTER = "/form/definition"
MAX_REASON_LENGTH = 300
HEADER = (
    "# A Townhall service file (format_version 1); schema: docs/service-file.schema.json.\n"
    "# Import with `manage.py service_import FILE`; see docs/adr/0009-service-files.md.\n"
)

# The order keys are written in: the schema's, which reads as a person describes a service.
KEY_ORDER = [
    "format_version",
    "slug",
    "kind",
    "name",
    "summary",
    "description",
    "keywords",
    "department",
    "team",
    "reference_prefix",
    "sla",
    "clock",
    "audience",
    "sensitive",
    "needs_location",
    "open311_code",
    "fee_pence",
    "fee_rules",
    "permit",
    "popular",
    "popularity_rank",
    "published",
    "channel_costs",
    "notify_templates",
    "hand_on",
    "organisation",
    "form",
    "process",
]
ORDERED_KEYS = {
    "": KEY_ORDER,
    "text": ["en", "cy"],
    "sla": ["days", "kind"],
    "organisation": ["departments", "teams"],
    "department": ["slug", "name"],
    "team": ["slug", "name", "department"],
    "process": ["key", "name", "bpmn", "dmn"],
    "permit": [
        "number_prefix",
        "period_start",
        "year_start_month",
        "year_start_day",
        "period_months",
        "reminder_days_before",
        "quantity_field",
        "concession_field",
        "address_field",
        "refund_none_last_months",
        "refund_admin_fee_pence",
        "garden_waste",
    ],
    "hand_on": [
        "responsible",
        "method",
        "endpoint",
        "service_code",
        "jurisdiction_id",
        "api_key_secret",
        "address",
        "url",
    ],
}


class ServiceFileInvalid(Exception):
    """A service file that cannot be imported; `reasons` lists every problem found, each
    naming its place in the file (a JSON pointer such as `/sla/days`, or a line)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@lru_cache(maxsize=1)
def service_file_schema() -> dict[str, Any]:
    """The published JSON Schema of a service file."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(service_file_schema())


@lru_cache(maxsize=1)
def _form_schema() -> dict[str, Any]:
    return json.loads(FORM_SCHEMA_PATH.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------------------
# Text to data


class _Loader(yaml.SafeLoader):
    """YAML as data and nothing else: no anchors or aliases (a few lines could otherwise
    expand to gigabytes), no repeated keys (YAML would silently keep the last), text keys
    only, and the YAML 1.2 core scalars: `no`, `on` and `2026-01-01` stay text rather than
    becoming false, true and a date as YAML 1.1 would make them."""

    yaml_implicit_resolvers: dict = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ServiceFileInvalid(
                [
                    gettext("line %(line)s: aliases (*name) are not allowed")
                    % {"line": event.start_mark.line + 1}
                ]
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise ServiceFileInvalid(
                [
                    gettext("line %(line)s: anchors (&name) are not allowed")
                    % {"line": event.start_mark.line + 1}
                ]
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ServiceFileInvalid(
                    [gettext("line %(line)s: merge keys (<<) are not allowed") % {"line": line}]
                )
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise ServiceFileInvalid(
                    [
                        gettext("line %(line)s: the key %(key)s must be text")
                        % {"line": line, "key": repr(key)}
                    ]
                )
            if key in seen:
                raise ServiceFileInvalid(
                    [
                        gettext("line %(line)s: the key '%(key)s' appears twice")
                        % {"line": line, "key": key}
                    ]
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
# Decimal integers only (no octal "010", no "1_000"); floats need a point, and an exponent its
# sign, as the writer's YAML 1.1 rules quote anything else that could look like a number.
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?|\.[0-9]+(?:[eE][-+][0-9]+)?)$"),
    list("-+0123456789."),
)


def _pointer(path: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _short(text: str) -> str:
    return text if len(text) <= MAX_REASON_LENGTH else text[: MAX_REASON_LENGTH - 1] + "…"


def schema_reasons(error: SchemaError) -> list[str]:
    """One reason per problem, at the place it is: a missing field is named by its own
    pointer, an unknown one too (with the fields allowed there)."""
    where = _pointer(error.absolute_path)
    instance, schema = error.instance, error.schema
    if error.validator == "required" and isinstance(instance, dict):
        return [
            gettext("%(where)s/%(name)s: is missing (required)") % {"where": where, "name": name}
            for name in error.validator_value
            if name not in instance
        ]
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema.get("properties", {}))
        return [
            gettext("%(where)s/%(name)s: is not a field here") % {"where": where, "name": name}
            + (f" (allowed: {', '.join(allowed)})" if allowed else "")
            for name in instance
            if name not in allowed
        ]
    if error.validator == "oneOf" and error.context:
        # "X is not valid under any of the given schemas" hides the reason: report the
        # reasons of the branch that matched the type written (an object, not null).
        deepest = [e for e in error.context if e.validator != "type" or e.relative_path]
        if not deepest:
            kinds = " or ".join(str(e.validator_value) for e in error.context)
            return [
                gettext("%(where)s: %(instance)s is not of type %(kinds)s")
                % {"where": where or "/", "instance": _short(repr(instance)), "kinds": kinds}
            ]
        if isinstance(instance, dict):
            # Of mappings of several shapes (a condition: field and op, or all, any, not),
            # the one meant is the one whose fields were written.
            deepest = _branch_meant(deepest, set(instance), schema["oneOf"])
        return [reason for e in deepest for reason in schema_reasons(e)]
    if error.validator == "maxLength" and isinstance(instance, str):
        return [
            gettext(
                "%(where)s: %(instance)s… is too long (%(length)s characters; at most %(most)s)"
            )
            % {
                "where": where or "/",
                "instance": _short(repr(instance[:40]))[:-1],
                "length": f"{len(instance):,}",
                "most": f"{error.validator_value:,}",
            }
        ]
    # Messages quote the value: keep a long one (a whole BPMN, a pasted page) short, and the
    # reason after it whole.
    message, shown = error.message, repr(instance)
    if len(shown) > 80:
        message = message.replace(shown, shown[:60] + "…")
    return [f"{where or '/'}: {_short(message)}"]


def _branch_meant(
    errors: list[SchemaError], written: set[str], options: list[dict[str, Any]]
) -> list[SchemaError]:
    """The errors of the `oneOf` option whose fields overlap most with those written."""
    branches: dict[int, list[SchemaError]] = {}
    for error in errors:
        branches.setdefault(int(error.relative_schema_path[0]), []).append(error)
    meant = max(branches, key=lambda i: len(written & set(options[i].get("properties", {}))))
    return branches[meant]


def _not_json(value: Any, where: str) -> list[str]:
    """Where explicit YAML tags (!!binary, !!set, !!timestamp, !!float .nan) made something
    JSON cannot hold: it could not be stored, nor written back the same."""
    if isinstance(value, dict):
        return [r for key, item in value.items() for r in _not_json(item, f"{where}/{key}")]
    if isinstance(value, list):
        return [r for index, item in enumerate(value) for r in _not_json(item, f"{where}/{index}")]
    if isinstance(value, float) and not math.isfinite(value):
        return [
            gettext("%(where)s: %(value)s is not a number a service file may hold")
            % {"where": where or "/", "value": value}
        ]
    if value is None or isinstance(value, str | bool | int | float):
        return []
    return [
        gettext(
            "%(where)s: a %(kind)s is not allowed (only text, numbers, true/false, null, lists and "
            "mappings)"
        )
        % {"where": where or "/", "kind": type(value).__name__}
    ]


def service_file_load(text: str) -> dict[str, Any]:
    """Read a service file: YAML, then the published schema. Returns the data; raises
    ServiceFileInvalid naming every problem (by JSON pointer, or by line for YAML errors)."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ServiceFileInvalid(
            [
                gettext("the file is larger than %(max_file_bytes)s MB, too large")
                % {"max_file_bytes": MAX_FILE_BYTES // (1024 * 1024)}
            ]
        )
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (_Loader is a SafeLoader) # nosec B506
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ServiceFileInvalid(
            [
                gettext("%(line)snot valid YAML: %(problem)s")
                % {"line": line, "problem": error.problem}
            ]
        ) from error
    except yaml.YAMLError as error:
        raise ServiceFileInvalid(
            [gettext("not valid YAML: %(error)s") % {"error": error}]
        ) from error
    return service_file_check(data)


def service_file_check(data: Any) -> dict[str, Any]:
    """Check data (a loaded file, or a builder draft) against the published schema; returns
    it, or raises ServiceFileInvalid naming every problem by JSON pointer."""
    if not isinstance(data, dict):
        raise ServiceFileInvalid(
            [gettext("the file must be a mapping of fields (format_version: 1, …)")]
        )
    not_data = _not_json(data, "")
    if not_data:
        raise ServiceFileInvalid(not_data[:MAX_REASONS])
    if data.get("format_version") != FORMAT_VERSION and "format_version" in data:
        raise ServiceFileInvalid(
            [
                gettext(
                    "/format_version: %(format_version)s is not a format this Townhall reads (it "
                    "reads %(reads)s)"
                )
                % {
                    "format_version": repr(data["format_version"]),
                    "reads": FORMAT_VERSION,
                }
            ]
        )
    reasons: list[str] = []
    for problem in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path))):
        for reason in schema_reasons(problem):
            if reason not in reasons:
                reasons.append(reason)
    if reasons:
        # The form's own schema is checked with the rest of the form (`builder.checks`); a
        # file refused here names its form's problems too, so that every reason is listed.
        form = data.get("form")
        if isinstance(form, dict) and isinstance(form.get("definition"), dict):
            reasons += form_schema_reasons(form["definition"])
        raise ServiceFileInvalid(reasons[:MAX_REASONS])
    return data


def form_schema_reasons(definition: Any) -> list[str]:
    """Where a form definition breaks its schema, each named by its place in the file."""
    reasons: list[str] = []
    for error in definition_schema_errors(definition):
        for reason in schema_reasons(error):
            reason = FORM_POINTER + (reason[1:] if reason.startswith("/:") else reason)
            if reason not in reasons:
                reasons.append(reason)
    return reasons


def service_file_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """The data with every field left out set to its default, as the schema declares it."""
    properties = service_file_schema()["properties"]
    full = dict(data)
    for key, spec in properties.items():
        if key not in full and "default" in spec:
            full[key] = json.loads(json.dumps(spec["default"]))
    for key in ("name", "summary", "description", "keywords"):
        full[key] = {"en": "", "cy": "", **full.get(key, {})}
    full["sla"] = {"kind": "working_days", **full.get("sla", {"days": 10})}
    if isinstance(full.get("permit"), dict):
        full["permit"] = {**permit_defaults(), **full["permit"]}
    return full


def permit_defaults() -> dict[str, Any]:
    """The permit rules a file leaves out, as the schema declares them."""
    # The permit's schema is the second of `permit`'s choices (the first is null).
    properties = service_file_schema()["properties"]["permit"]["oneOf"][1]["properties"]
    return {key: spec["default"] for key, spec in properties.items() if "default" in spec}


# ----------------------------------------------------------------------------------------
# Data to text


class _Dumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, multi-line text (descriptions, the
    BPMN and DMN XML) as literal blocks that read and diff line by line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # YAML falls back to a quoted string by itself when a literal block cannot hold the text
    # exactly (trailing spaces, tabs, control characters).
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return root["$defs"][ref.removeprefix("#/$defs/")]
    return node


def _in_schema_order(value: Any, node: dict[str, Any], root: dict[str, Any]) -> Any:
    """`value` with each mapping's keys in the order its schema lists them (a form page
    reads id, title, fields, next; a question name, type, label, hint), the rest sorted."""
    node = _resolve(node, root)
    if isinstance(value, list):
        items = _resolve(node.get("items", {}), root)
        return [_in_schema_order(item, items, root) for item in value]
    if not isinstance(value, dict):
        return value
    properties: dict[str, Any] = {}
    for branch in [node, *node.get("oneOf", []), *node.get("anyOf", [])]:
        for name, spec in _resolve(branch, root).get("properties", {}).items():
            properties.setdefault(name, spec)
    order = [name for name in properties if name in value]
    order += sorted(name for name in value if name not in properties)
    return {name: _in_schema_order(value[name], properties.get(name, {}), root) for name in order}


def _ordered(mapping: dict[str, Any], order: list[str]) -> dict[str, Any]:
    known = {key: mapping[key] for key in order if key in mapping}
    rest = {key: mapping[key] for key in sorted(mapping) if key not in known}
    return {**known, **rest}


def _canonical(data: dict[str, Any]) -> dict[str, Any]:
    out = _ordered(data, ORDERED_KEYS[""])
    for key in ("name", "summary", "description", "keywords"):
        if isinstance(out.get(key), dict):
            out[key] = _ordered(out[key], ORDERED_KEYS["text"])
    if isinstance(out.get("sla"), dict):
        out["sla"] = _ordered(out["sla"], ORDERED_KEYS["sla"])
    for key in ("channel_costs", "notify_templates"):
        if isinstance(out.get(key), dict):
            out[key] = _sorted(out[key])
    if isinstance(out.get("hand_on"), dict):
        out["hand_on"] = _ordered(out["hand_on"], ORDERED_KEYS["hand_on"])
    if isinstance(out.get("permit"), dict):
        out["permit"] = _ordered(out["permit"], ORDERED_KEYS["permit"])
    organisation = out.get("organisation")
    if isinstance(organisation, dict):
        out["organisation"] = _ordered(
            {
                "departments": [
                    _ordered(d, ORDERED_KEYS["department"])
                    for d in sorted(organisation.get("departments", []), key=lambda d: d["slug"])
                ],
                "teams": [
                    _ordered(t, ORDERED_KEYS["team"])
                    for t in sorted(organisation.get("teams", []), key=lambda t: t["slug"])
                ],
            },
            ORDERED_KEYS["organisation"],
        )
    if isinstance(out.get("fee_rules"), list):
        # A rule's keys in the schema's order (kind, label, label_cy, field, pence, ...,
        # when); its prices sorted: PostgreSQL's jsonb keeps no order of its own.
        root = service_file_schema()
        out["fee_rules"] = _in_schema_order(out["fee_rules"], root["properties"]["fee_rules"], root)
    if isinstance(out.get("form"), dict):
        schema = _form_schema()
        out["form"] = {"definition": _in_schema_order(out["form"]["definition"], schema, schema)}
    if isinstance(out.get("process"), dict):
        out["process"] = _ordered(out["process"], ORDERED_KEYS["process"])
    return out


def service_file_dump(data: dict[str, Any]) -> str:
    """The text of a service file holding `data` (shaped by the schema), the same bytes for
    the same data whatever order its mappings were built in."""
    body = yaml.dump(
        _canonical(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
        indent=2,
    )
    return HEADER + body
