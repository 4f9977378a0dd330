"""GOV.UK Pay's webhooks: POST /api/pay/webhook, signed (Pay-Signature)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from townhall.integrations.inbound import inbound_refusal_record
from townhall.payments.services import PaymentRefused, webhook_apply


@csrf_exempt
@require_POST
def pay_webhook(request: HttpRequest) -> HttpResponse:
    try:
        payment, applied = webhook_apply(request.body, request.headers.get("Pay-Signature", ""))
    except PaymentRefused as error:
        inbound_refusal_record(
            request, partner="govuk_pay", reason=str(error), status_code=error.status_code
        )
        return JsonResponse({"error": str(error)}, status=error.status_code)
    return JsonResponse(
        {
            "payment": payment.reference if payment else None,
            "status": payment.status if payment else None,
            "duplicate": not applied,
        }
    )
