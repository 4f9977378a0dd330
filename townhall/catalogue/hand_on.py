"""A service that belongs to another council ("not ours"): who is responsible and how a
report is handed on to them (issue 17 point 3).

Kept on the service as plain data (`Service.hand_on`, the service file's `hand_on`):

- `open311`: the report is posted to the responsible council's GeoReport v2 endpoint through
  the outbox (`endpoint`, `service_code`, optional `jurisdiction_id`, and `api_key_secret`,
  the name of the environment variable holding the key: the key itself is never in the file);
- `email`: a plain email with the answers goes to `address`;
- `link`: no case; the resident is sent to `url`.
"""

import os
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from townhall.integrations.outbound import OutboundRefused, outbound_url_check

METHODS = ("open311", "email", "link")
SECRET_NAME = re.compile(r"^[A-Z][A-Z0-9_]{2,63}$")
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")


@dataclass(frozen=True)
class HandOn:
    responsible: str
    method: str
    endpoint: str = ""
    service_code: str = ""
    jurisdiction_id: str = ""
    api_key_secret: str = ""
    address: str = ""
    url: str = ""

    @property
    def makes_case(self) -> bool:
        return self.method in ("open311", "email")

    @property
    def method_label(self) -> str:
        return "Open311" if self.method == "open311" else self.method

    def api_key(self) -> str:
        """The key, read where it is kept (the environment), never from the file."""
        return os.environ.get(self.api_key_secret, "")


def hand_on_read(value: dict[str, Any] | None) -> HandOn | None:
    """The hand-on setting of a service, or None when the service is the council's own."""
    if not value:
        return None
    return HandOn(**{k: str(v) for k, v in value.items() if k in HandOn.__dataclass_fields__})


def hand_on_problems(value: Any, *, pointer: str = "/hand_on", resolve: bool = True) -> list[str]:
    """Every reason a hand-on setting cannot be used, each naming its place; [] when sound.
    The addresses are checked by the outbound guard as any partner address is."""
    if value is None or value == {}:
        return []
    if not isinstance(value, dict):
        return [f"{pointer}: must be a mapping with responsible and method"]
    reasons = []
    responsible = value.get("responsible")
    if not isinstance(responsible, str) or not responsible.strip():
        reasons.append(
            f"{pointer}/responsible: name the council responsible, like Kent County Council"
        )
    method = value.get("method")
    if method not in METHODS:
        reasons.append(f"{pointer}/method: unknown method {method!r}; use open311, email or link")
        return reasons
    needed = {
        "open311": ["endpoint", "service_code", "api_key_secret"],
        "email": ["address"],
        "link": ["url"],
    }[method]
    allowed = (
        set(needed)
        | {"responsible", "method"}
        | ({"jurisdiction_id"} if method == "open311" else set())
    )
    for key in sorted(set(value) - allowed):
        reasons.append(f"{pointer}/{key}: not used by the {method} method")
    for key in needed:
        if not str(value.get(key) or "").strip():
            reasons.append(f"{pointer}/{key}: missing; the {method} method needs it")
    if reasons:
        return reasons
    if method == "open311":
        try:
            outbound_url_check(str(value["endpoint"]), resolve=resolve)
        except OutboundRefused as refused:
            reasons.append(f"{pointer}/endpoint: address not allowed: {refused.reason}")
        if not CODE.match(str(value["service_code"])):
            reasons.append(
                f"{pointer}/service_code: use letters, digits, dots, dashes and underscores"
            )
        if not SECRET_NAME.match(str(value["api_key_secret"])):
            reasons.append(
                f"{pointer}/api_key_secret: the name of the secret holding the API key, in "
                "capitals like KENT_OPEN311_API_KEY (never the key itself)"
            )
    elif method == "email":
        try:
            validate_email(str(value["address"]))
        except ValidationError:
            reasons.append(f"{pointer}/address: {value['address']!r} is not an email address")
    else:
        try:
            outbound_url_check(str(value["url"]), resolve=False)
        except OutboundRefused as refused:
            reasons.append(f"{pointer}/url: {refused.reason}")
    return reasons


def hand_on_clean(value: Any) -> dict[str, str]:
    """The setting as stored: stripped text, empty keys dropped ({} for none)."""
    if not value:
        return {}
    return {k: str(v).strip() for k, v in value.items() if str(v or "").strip()}
