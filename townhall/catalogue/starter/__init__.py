"""The starter catalogue: the everyday services a council begins from, one service file
(ADR 0009) per service in `<slug>.yaml` beside this module, written for any council ("the
council") in the builder's format. A council imports them with `manage.py service_import`,
changes what differs locally (fees, teams, times) and publishes; the demo loads them after
its own services.

Each file declares its department and team under `organisation` (the demo council's
thirteen departments and their teams), so it imports into an empty database. Processes are
the library's: a service with no process of its own runs `triage-and-resolve` (the team
triages, then resolves).

Why some values are what they are (an export cannot keep comments):
- A penalty charge notice is paid or challenged within 28 days of the notice (Traffic
  Management Act 2004 regulations): its SLA is 28 calendar days.
- A temporary event notice's fee (£21) is set in law; the police and environmental health
  have 3 working days to object, which is its SLA.
- A claim against the council is acknowledged within 21 calendar days, as the pre-action
  protocols expect.
- Homelessness help is due the next working day: someone may have nowhere to sleep tonight.
- Fees that vary by council (parking permit, taxi licence, pre-application advice, pest
  control) are typical figures for a council to change; street trading's fee depends on the
  pitch and is set after the decision, so the service itself is free to apply for.
- Channel costs follow the demo's Socitm orders of magnitude (see demo/council.py).
"""

from pathlib import Path

STARTER_DIR = Path(__file__).resolve().parent


def starter_service_files() -> list[tuple[str, str]]:
    """(file name, text) of every starter service file, by slug."""
    return [
        (path.name, path.read_text(encoding="utf-8")) for path in sorted(STARTER_DIR.glob("*.yaml"))
    ]
