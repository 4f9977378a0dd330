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
- Homelessness help is due the next working day: someone may have nowhere to sleep tonight,
  so its cases run `urgent-triage-and-resolve`, which marks each one urgent before triage.
- A temporary event notice is refused on its date page when the event is 5 working days
  away or fewer (a late notice needs 5 clear working days) and marked late within 10; the
  day it is given and the day of the event do not count (Licensing Act 2003, s.100A).
- Fees that vary by council (parking permit, taxi licence, pre-application advice, pest
  control) are typical figures for a council to change; street trading's fee depends on the
  pitch and is set after the decision, so the service itself is free to apply for.
- Channel costs follow the demo's Socitm orders of magnitude (see demo/council.py).
- Blue Badge and free school meals each come as a pair: an eligibility checker (no case,
  nothing kept) whose "You can apply" outcomes link to the application. A Blue Badge is
  decided within 12 weeks (60 working days, the Department for Transport's guidance) and
  its £10 is paid only when it is approved, so the application itself is free. Where the
  county issues Blue Badges, change the checker's links to the county's, and give the
  application the county's page instead of a case (issue 17 point 3): `hand_on:
  {responsible: Kent County Council, method: link, url: https://www.kent.gov.uk/blue-badge}`
  (the portal then sends residents there; `open311` or `email` would hand each case on). Free school meals
  follow England's rules from September 2026 (any household on Universal Credit).
- Most street lights on roads are the county's (the highway authority): the street light
  form asks where the light is first and ends on an outcome sending the resident to the
  county (through GOV.UK's postcode finder) for those, without a case; only the council's
  own lights (car parks, estates, parks) become a request.
- A new or replacement bin is £30 a wheelie bin (a typical figure to change), food caddies
  are free, and a bin our crew damaged or lost is free (a 100% discount rule).
- A complaint review (stage 2) runs on the complaint_stage_2 clock (20 working days, the
  Ombudsman's complaint handling code); an EIR request on the eir clock (20 working days,
  40 when extended).
- Paying a parking fine or Council Tax is an information page, not a request: the amount
  due (discounts, instalments) and the payment live in the parking enforcement and
  revenues systems, which take the payment against the notice or account at once; a case
  per payment would duplicate them and need posting by hand.
"""

from pathlib import Path

STARTER_DIR = Path(__file__).resolve().parent


def starter_service_files() -> list[tuple[str, str]]:
    """(file name, text) of every starter service file, by slug."""
    return [
        (path.name, path.read_text(encoding="utf-8")) for path in sorted(STARTER_DIR.glob("*.yaml"))
    ]
