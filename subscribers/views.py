"""The public consent pages: where a visitor starts a web-form opt-in, and
the result page the Redirect URI sends them to while their code is exchanged."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render

from subscribers.models import CodeExchange
from telecom.errors import ServiceError
from telecom.globe import GlobeClient
from telecom.models.provider_app import ProviderApp
from telecom.money import format_amount, parse_amount

PENDING = {CodeExchange.Status.QUEUED, CodeExchange.Status.SENDING}


def consent_start(request, app_id: str):
    app = ProviderApp.objects.filter(app_id=app_id, is_active=True).first()
    if app is None:
        raise Http404("no such app")
    amount, error = None, ""
    if request.GET.get("amount"):
        try:
            amount = parse_amount(request.GET["amount"])
        except ServiceError as exc:
            error = exc.message
    context = {
        "app": app,
        "amount": amount,
        "error": error,
        "dialog_url": "" if error else GlobeClient(app).consent_dialog_url(amount),
    }
    return render(request, "consent/start.html", context, status=400 if error else 200)


def masked_number(msisdn: str) -> str:
    return msisdn[:6] + "•" * max(0, len(msisdn) - 9) + msisdn[-3:] if msisdn else ""


def consent_result(request, public_id):
    exchange = get_object_or_404(
        CodeExchange.objects.select_related("app", "subscriber"), public_id=public_id
    )
    pending = exchange.status in PENDING
    state = {
        "status": exchange.status,
        "pending": pending,
        "app": exchange.app.name,
        "number": masked_number(exchange.subscriber.msisdn) if exchange.subscriber else "",
        "amount": format_amount(exchange.amount) if exchange.amount is not None else None,
        "reason": exchange.last_error if exchange.status == CodeExchange.Status.FAILED else "",
    }
    if request.GET.get("format") == "json":
        return JsonResponse(state)
    return render(request, "consent/result.html", {"exchange": exchange, **state})
