"""GOV.UK Notify behind our channels, over real HTTP to a fake Notify; its delivery receipts
on the case timeline; fallback to the resident's next channel when one fails for good."""

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from django.test import Client

from townhall.accounts.models import User
from townhall.cases.models import CaseEvent
from townhall.cases.services import case_add_note
from townhall.desk.tests.factories import case_make, service_make
from townhall.integrations.models import InboundRefusal, SentMessage
from townhall.integrations.notify.channels import DeliveryError, send_email, send_letter

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"townhall_test-{SERVICE_ID}-{SECRET}"
TOKEN = "callback-token-for-tests"


class FakeNotify(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    refuse: dict[str, int] = {}  # recipient -> HTTP status to answer

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])  # a wrong key fails here
        assert claims["iss"] == SERVICE_ID
        kind = self.path.rsplit("/", 1)[-1]
        FakeNotify.received.append({"kind": kind, **body})
        to = body.get("email_address") or body.get("phone_number") or ""
        status = FakeNotify.refuse.get(to, 201)
        reply = (
            {"id": str(uuid.uuid4()), "reference": body.get("reference")}
            if status == 201
            else {"errors": [{"error": "BadRequestError", "message": "Not a valid recipient"}]}
        )
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def notify(settings) -> Iterator[type[FakeNotify]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeNotify.received, FakeNotify.refuse = [], {}
    settings.NOTIFY_CHANNEL = "govuk_notify"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "generic-email"
    settings.NOTIFY_SMS_TEMPLATE_ID = "generic-sms"
    settings.NOTIFY_LETTER_TEMPLATE_ID = "generic-letter"
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN
    yield FakeNotify
    server.shutdown()


@pytest.fixture
def resident(db) -> User:
    return User.objects.create_user(
        "rae@example.com",
        "Not-a-real-pass-1",
        full_name="Rae Resident",
        phone="07700900123",
        address_line="12 Mill Lane, Kingsmead",
        postcode="KM1 2AB",
        notify_by_sms=False,
    )


def _receipt(client: Client, message: SentMessage, status: str, token: str = TOKEN):
    return client.post(
        "/api/notify/callbacks",
        data=json.dumps(
            {
                "id": message.provider_id,
                "reference": message.idempotency_key,
                "status": status,
                "notification_type": message.channel,
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.mark.django_db
def test_an_email_goes_through_notify_with_the_services_own_template(
    notify, resident, django_capture_on_commit_callbacks
):
    service = service_make(name="Report fly-tipping")
    service.notify_templates = {"created": {"email": "fly-tip-received"}}
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_make(service=service, resident=resident, notify=True)
    (sent,) = notify.received
    assert (sent["kind"], sent["template_id"]) == ("email", "fly-tip-received")
    assert sent["personalisation"]["reference"] == case.reference
    assert sent["reference"] == SentMessage.objects.get().idempotency_key
    assert SentMessage.objects.get().provider_id  # Notify's id, for its receipts


@pytest.mark.django_db
def test_a_welsh_resident_gets_the_services_welsh_notify_templates(
    notify, resident, django_capture_on_commit_callbacks
):
    """Issue 20: `<channel>_cy` for a Welsh case; with none, the generic template (carrying
    the Welsh we rendered), never the service's English one."""
    resident.language, resident.notify_by_sms = "cy", True
    resident.save()
    service = service_make(name="Report fly-tipping")
    service.notify_templates = {
        "created": {
            "email": "en-email",
            "email_cy": "cy-email",
            "sms": "en-sms",
            "sms_cy": "cy-sms",
        },
        "public_note": {"email": "en-note"},
    }
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_make(service=service, resident=resident, notify=True)
    sent = {m["kind"]: m for m in notify.received}
    assert (sent["email"]["template_id"], sent["sms"]["template_id"]) == ("cy-email", "cy-sms")
    fields = sent["email"]["personalisation"]
    assert fields["subject"] == f"Rydym wedi cael eich cais {case.reference}"
    assert fields["body"].startswith("Annwyl Sam Caller,") and fields["status"] == "Ar agor"
    notify.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_add_note(case=case, actor=None, text="Diolch.", is_public=True)
    (email,) = [m for m in notify.received if m["kind"] == "email"]
    assert email["template_id"] == "generic-email"
    assert email["personalisation"]["subject"].startswith("Diweddariad ar eich cais")
    # The same service to an English resident: its English templates.
    notify.received.clear()
    resident.language = "en"
    resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        case_make(service=service, resident=resident, notify=True)
    sent = {m["kind"]: m for m in notify.received}
    assert (sent["email"]["template_id"], sent["sms"]["template_id"]) == ("en-email", "en-sms")


@pytest.mark.django_db
def test_a_refused_recipient_is_a_permanent_failure_and_a_letter_needs_an_address(notify):
    notify.refuse["bounce@example.com"] = 400
    with pytest.raises(DeliveryError) as refused:
        send_email(to="bounce@example.com", subject="s", body="b", idempotency_key="k1")
    assert refused.value.permanent and "Not a valid recipient" in str(refused.value)
    with pytest.raises(DeliveryError, match="3 address lines"):
        send_letter(address_lines=["Rae"], subject="s", body="b", idempotency_key="k2")
    assert send_letter(
        address_lines=["Rae Resident", "12 Mill Lane", "KM1 2AB"],
        subject="s",
        body="b",
        idempotency_key="k3",
    )
    assert notify.received[-1]["personalisation"]["address_line_3"] == "KM1 2AB"


@pytest.mark.django_db
def test_receipts_go_on_the_timeline_and_a_bounce_falls_back_to_sms_then_letter(
    notify, resident, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = case_make(service=service_make(), resident=resident, notify=True)
    email = SentMessage.objects.get(channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        assert _receipt(client, email, "delivered").status_code == 200
    assert case.events.filter(text__contains="delivered", is_public=False).exists()

    with django_capture_on_commit_callbacks(execute=True):
        _receipt(client, email, "permanent-failure")
    sms = SentMessage.objects.get(channel="sms")
    assert sms.recipient == "07700900123" and notify.received[-1]["kind"] == "sms"
    assert case.events.filter(text__contains="sent by SMS instead").exists()

    with django_capture_on_commit_callbacks(execute=True):
        _receipt(client, sms, "permanent-failure")
    letter = SentMessage.objects.get(channel="letter")
    assert "KM1 2AB" in letter.recipient and notify.received[-1]["kind"] == "letter"

    with django_capture_on_commit_callbacks(execute=True):
        _receipt(client, letter, "permanent-failure")
    assert case.events.filter(text__contains="could not reach the resident").exists()
    assert SentMessage.objects.count() == 3  # each channel tried once


@pytest.mark.django_db
def test_a_welsh_residents_letter_after_a_bounce_is_welsh_with_the_welsh_template(
    notify, resident, client, django_capture_on_commit_callbacks
):
    resident.language, resident.phone = "cy", ""
    resident.save()
    service = service_make()
    service.notify_templates = {"created": {"letter": "en-letter", "letter_cy": "cy-letter"}}
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_make(service=service, resident=resident, notify=True)
    with django_capture_on_commit_callbacks(execute=True):
        _receipt(client, SentMessage.objects.get(channel="email"), "permanent-failure")
    letter = notify.received[-1]
    assert (letter["kind"], letter["template_id"]) == ("letter", "cy-letter")
    fields = letter["personalisation"]
    assert fields["subject"] == f"Rydym wedi cael eich cais {case.reference}"
    assert fields["body"].startswith("Annwyl ") and "Dear" not in fields["body"]


@pytest.mark.django_db
def test_a_repeated_receipt_is_recorded_once(
    notify, resident, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = case_make(service=service_make(), resident=resident, notify=True)
    email = SentMessage.objects.get(channel="email")
    for _ in range(3):
        assert _receipt(client, email, "delivered").status_code == 200
    assert (
        case.events.filter(kind=CaseEvent.Kind.MESSAGE_SENT, text__contains="delivered").count()
        == 1
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "token", "status", "reason"),
    [
        ({"reference": "x", "status": "delivered"}, "wrong", 401, "bearer token"),
        (b"{oops", TOKEN, 400, "not valid JSON"),
        ({"reference": "nope", "status": "delivered"}, TOKEN, 404, "No message we sent"),
        ({"reference": "nope", "status": "exploded"}, TOKEN, 400, "Unknown status"),
    ],
)
def test_bad_receipts_are_refused_and_logged(notify, client, body, token, status, reason):
    response = client.post(
        "/api/notify/callbacks",
        data=body if isinstance(body, bytes) else json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == status and reason in response.json()["error"]
    assert InboundRefusal.objects.filter(partner="govuk_notify", status_code=status).exists()


@pytest.mark.django_db
def test_receipts_are_refused_when_no_token_is_set_up(client, settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    response = client.post("/api/notify/callbacks", data="{}", content_type="application/json")
    assert response.status_code == 503
