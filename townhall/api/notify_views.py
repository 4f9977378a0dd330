"""GOV.UK Notify's delivery-status callbacks: POST /api/notify/callbacks with the bearer token
set in Notify's API integration settings (NOTIFY_CALLBACK_TOKEN)."""

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from townhall.integrations.inbound import inbound_refusal_record
from townhall.integrations.notify.callbacks import CallbackRefused, notify_receipt_apply

PARTNER = "govuk_notify"


def _refuse(request: HttpRequest, reason: str, status: int) -> JsonResponse:
    inbound_refusal_record(request, partner=PARTNER, reason=reason, status_code=status)
    return JsonResponse({"error": reason}, status=status)


@csrf_exempt
@require_POST
def delivery_callback(request: HttpRequest) -> HttpResponse:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    if not expected:
        return _refuse(request, "Notify callbacks are not set up here.", 503)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return _refuse(request, "The bearer token is not valid.", 401)
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError) as error:
        return _refuse(request, f"The body is not valid JSON: {error}.", 400)
    try:
        message = notify_receipt_apply(data)
    except CallbackRefused as error:
        return _refuse(request, str(error), error.status_code)
    return JsonResponse({"reference": message.idempotency_key, "status": message.delivery_status})
