"""Writes to waste rounds, their one-off changes and crews' results: one function each, inside
a transaction, with an audit event; caches are made stale on commit."""

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from townhall.core.audit import audit_record
from townhall.core.uploads import upload_check
from townhall.integrations.models import PartnerEndpoint
from townhall.places.models import Address
from townhall.waste.calendar import festive_bank_holidays, schedule
from townhall.waste.generation import bin_day_key, waste_generation_bump
from townhall.waste.imports import rounds_extract_read
from townhall.waste.models import CrewResult, Round, RoundAddress, RoundChange, Stream

DEFAULT_FINISH = time(16, 0)


@dataclass(frozen=True)
class ImportSummary:
    rounds_created: int
    rounds_updated: int
    stops: int
    rows: int


def rounds_import(
    *, extract: str, columns: dict[str, str] | None = None, actor: Any = None, request=None
) -> ImportSummary:
    """Import a round extract: the rounds it names get exactly the addresses it lists, and
    those addresses leave any other round of the same stream. All or nothing: raises
    imports.ExtractRefused, listing refused rows by line number, and then writes nothing."""
    checked = rounds_extract_read(extract, columns)
    created = updated = stops = 0
    with transaction.atomic():
        existing = {
            r.code: r for r in Round.objects.select_for_update().filter(code__in=checked.rounds)
        }
        for code, plan in checked.rounds.items():
            values = {
                "stream": plan.stream,
                "weekday": plan.weekday,
                "frequency": plan.frequency,
                "week": plan.week,
                "crew": plan.crew,
                "crew_finish_time": plan.crew_finish_time or DEFAULT_FINISH,
                "contractor": plan.contractor,
            }
            round_ = existing.get(code)
            if round_ is None:
                existing[code] = Round.objects.create(code=code, **values)
                created += 1
            else:
                for name, value in values.items():
                    setattr(round_, name, value)
                round_.save()
                updated += 1
        rounds = list(existing.values())
        RoundAddress.objects.filter(round__in=rounds).delete()
        for plan in checked.rounds.values():
            ids = [checked.address_ids[uprn] for uprn in plan.uprns]
            RoundAddress.objects.filter(address_id__in=ids, stream=plan.stream).delete()
            made = RoundAddress.objects.bulk_create(
                [
                    RoundAddress(round=existing[plan.code], address_id=i, stream=plan.stream)
                    for i in ids
                ],
                batch_size=2000,
            )
            stops += len(made)
        audit_record(
            action="change",
            object_type="waste.round",
            object_id="import",
            actor=actor,
            request=request,
            detail={"rounds": len(rounds), "stops": stops, "rows": checked.rows},
        )
        transaction.on_commit(waste_generation_bump)
    return ImportSummary(created, updated, stops, checked.rows)


def round_update(
    *,
    round_: Round,
    crew: str,
    weekday: int,
    frequency: str,
    week: str,
    crew_finish_time: time,
    actor: Any = None,
    request=None,
) -> Round:
    """Change a round's crew, day, frequency or finish time (its addresses stay)."""
    errors: dict[str, str] = {}
    crew = (crew or "").strip()
    if not crew or len(crew) > 60:
        errors["crew"] = "Enter the crew (at most 60 characters)"
    if frequency == Round.Frequency.FORTNIGHTLY and week not in ("A", "B"):
        errors["week"] = "Select week A or week B for a fortnightly round"
    if frequency == Round.Frequency.WEEKLY:
        week = ""
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        before = {"crew": locked.crew, "weekday": locked.weekday, "week": locked.week}
        locked.crew, locked.weekday, locked.frequency = crew, weekday, frequency
        locked.week, locked.crew_finish_time = week, crew_finish_time
        locked.save()
        audit_record(
            action="change",
            object_type="waste.round",
            object_id=locked.code,
            actor=actor,
            request=request,
            detail={"before": before, "crew": crew, "weekday": weekday, "week": week},
        )
        transaction.on_commit(waste_generation_bump)
    return locked


def round_collection_days(round_: Round, start: date, end: date) -> list[date]:
    """The days `round_` collects between two dates, after bank-holiday moves (no one-offs)."""
    holidays = festive_bank_holidays(start - timedelta(days=14), end + timedelta(days=14))
    return [c.date for c in schedule([round_], [], start, end, holidays)]


def round_change_record(
    *,
    round_: Round,
    day: date,
    kind: str,
    reason: str,
    new_date: date | None = None,
    crew: str = "",
    actor: Any = None,
    request=None,
) -> RoundChange:
    """Record a one-off change to one collection day of a round (replacing any change already
    recorded for that day): cancelled, moved to `new_date`, or worked by `crew`."""
    errors: dict[str, str] = {}
    reason, crew = (reason or "").strip(), (crew or "").strip()
    if day not in round_collection_days(round_, day, day):
        errors["day"] = f"{round_.code} does not collect on {day:%A} {day.day} {day:%B %Y}"
    if kind not in RoundChange.Kind.values:
        errors["kind"] = "Select what changes"
    elif kind == RoundChange.Kind.MOVED and (new_date is None or new_date == day):
        errors["new_date"] = "Enter the day the collection moves to"
    elif kind == RoundChange.Kind.MOVED and new_date and abs((new_date - day).days) > 6:
        errors["new_date"] = "A collection can move by up to 6 days"
    elif kind == RoundChange.Kind.CREW and not crew:
        errors["crew"] = "Enter the crew working the round that day"
    if not reason or len(reason) > 200:
        errors["reason"] = "Enter the reason residents will see (at most 200 characters)"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        change, _ = RoundChange.objects.update_or_create(
            round=round_,
            date=day,
            defaults={
                "kind": kind,
                "new_date": new_date if kind == RoundChange.Kind.MOVED else None,
                "crew": crew if kind != RoundChange.Kind.CANCELLED else "",
                "reason": reason,
            },
        )
        audit_record(
            action="change",
            object_type="waste.round_change",
            object_id=change.pk,
            actor=actor,
            request=request,
            detail={"round": round_.code, "date": day.isoformat(), "kind": kind},
        )
        transaction.on_commit(waste_generation_bump)
    return change


def round_change_remove(*, change: RoundChange, actor: Any = None, request=None) -> None:
    """Undo a one-off change: the round collects as usual that day."""
    with transaction.atomic():
        audit_record(
            action="change",
            object_type="waste.round_change",
            object_id=change.pk,
            actor=actor,
            request=request,
            detail={"round": change.round.code, "date": change.date.isoformat(), "removed": True},
        )
        change.delete()
        transaction.on_commit(waste_generation_bump)


class ResultRefused(Exception):
    """A crew result that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class ResultRecorded:
    result: CrewResult
    duplicate: bool


def _when(value: Any) -> datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or timezone.is_naive(parsed):
        raise ResultRefused("occurred_at must be an ISO 8601 time with its offset.")
    if parsed > timezone.now() + timedelta(minutes=10):
        raise ResultRefused("occurred_at is in the future.")
    return parsed


def _photo(value: Any) -> SimpleUploadedFile | None:
    if value in (None, ""):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("content_base64"), str):
        raise ResultRefused("photo must be an object with content_base64.")
    try:
        data = base64.b64decode(value["content_base64"], validate=True)
    except (binascii.Error, ValueError):
        raise ResultRefused("photo is not valid base64.") from None
    try:
        checked = upload_check(SimpleUploadedFile("crew-photo.jpg", data))
    except ValidationError as error:
        raise ResultRefused(f"photo: {' '.join(error.messages)}") from None
    return SimpleUploadedFile(f"result{checked.extension}", checked.content.read())


def crew_result_record(*, partner: PartnerEndpoint, data: Any) -> ResultRecorded:
    """Record what a crew found at an address (collected, not put out, contaminated, access
    blocked), once per the partner's result_id: a repeat returns the first result."""
    if not isinstance(data, dict):
        raise ResultRefused("The body must be a JSON object.")
    result_id = str(data.get("result_id") or "").strip()
    if not result_id or len(result_id) > 80:
        raise ResultRefused("result_id is required (at most 80 characters).")
    earlier = CrewResult.objects.filter(partner=partner, result_id=result_id).first()
    if earlier is not None:
        return ResultRecorded(earlier, duplicate=True)
    address = Address.objects.filter(uprn=str(data.get("uprn") or "").strip()).first()
    if address is None:
        raise ResultRefused("uprn is not an address in the gazetteer.")
    stream = data.get("stream")
    if stream not in Stream.values:
        raise ResultRefused(f"stream must be one of {', '.join(Stream.values)}.")
    outcome = data.get("outcome")
    if outcome not in CrewResult.Outcome.values:
        raise ResultRefused(f"outcome must be one of {', '.join(CrewResult.Outcome.values)}.")
    note = data.get("note") or ""
    if not isinstance(note, str) or len(note) > 500:
        raise ResultRefused("note must be text of at most 500 characters.")
    occurred_at = _when(data.get("occurred_at"))
    photo = _photo(data.get("photo"))
    stop = RoundAddress.objects.filter(address=address, stream=stream).first()
    try:
        with transaction.atomic():
            result = CrewResult(
                partner=partner,
                result_id=result_id,
                address=address,
                round_id=stop.round_id if stop else None,
                stream=stream,
                outcome=outcome,
                occurred_at=occurred_at,
                note=note.strip(),
            )
            if photo is not None:
                result.photo.save(photo.name or "result.jpg", photo, save=False)
            result.save()
            audit_record(
                action="create",
                object_type="waste.crew_result",
                object_id=result.pk,
                detail={"partner": partner.name, "uprn": address.uprn, "outcome": outcome},
            )
            uprn = address.uprn
            transaction.on_commit(lambda: _forget_bin_day(uprn))
    except IntegrityError:  # the same result_id posted twice at once
        return ResultRecorded(
            CrewResult.objects.get(partner=partner, result_id=result_id), duplicate=True
        )
    return ResultRecorded(result, duplicate=False)


def _forget_bin_day(uprn: str) -> None:
    cache.delete(bin_day_key(uprn, timezone.localdate()))
