"""OAuth: the consent dialog pages and `POST /oauth/access_token`.

The dialog, from "Opt-in via Webform": `/dialog/oauth/<app_id>` (or
`/dialog/oauth?app_id=`) asks for the mobile number, texts a confirmation
PIN to the handset, asks for the PIN, then redirects the browser to the
app's redirect URI with `code`. The charging variant
(`/dialog/oauth/<app_id>/?amount=1.00`) instead sends `code` and `amount`
to the notify URI ("The code and amount parameters will be sent to your
Notify URI") and redirects the browser to the redirect URI without them.

`POST /oauth/access_token`: `app_id`, `app_secret` and `code` "as URL query
parameters" (a form body is accepted too) answer 200 with `access_token` and
`subscriber_number`. A code works once. The docs give no error wording
here; the sandbox uses the Load API table's ("App not found", "Invalid App
Secret") and 400 "Invalid code".
"""

import secrets

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from sandbox import callbacks
from sandbox.csp import with_csp_leaving_to
from sandbox.models import App, Callback, Grant, PinChallenge
from sandbox.platform.common import (
    MISSING_PARAMETERS,
    PlatformError,
    app_by_credentials,
    national,
    parse_address,
    platform_endpoint,
)
from sandbox.platform.payment import parse_amount
from sandbox.services import consent, handsets

INVALID_CODE = "Invalid code"
PIN_ATTEMPTS = 3


@platform_endpoint("oauth", methods=("POST",))
def access_token(request):
    params = {**request.POST.dict(), **request.GET.dict()}
    app = app_by_credentials(request, params.get("app_id"), params.get("app_secret"))
    code = params.get("code")
    if not code:
        raise PlatformError(400, MISSING_PARAMETERS)
    grant = consent.redeem_code(app, code)
    if grant is None:
        raise PlatformError(400, INVALID_CODE)
    return JsonResponse(
        {"access_token": grant.access_token, "subscriber_number": national(grant.subscriber.number)}
    )


@with_csp_leaving_to
def dialog(request, app_id: str | None = None):
    """The consent pages; every step posts back here with `step`."""
    app = App.objects.filter(app_id=app_id or request.GET.get("app_id") or "").first()
    if app is None:
        return render(request, "sandbox/oauth_dialog.html", {"step": "unknown"}, status=404)
    amount = None
    if request.GET.get("amount"):
        try:
            amount = parse_amount(request.GET["amount"])
        except PlatformError:
            context = {"step": "unknown", "error": "The amount must look like 1.00."}
            return render(request, "sandbox/oauth_dialog.html", context, status=400)
    context = {"app": app, "amount": amount, "action": request.get_full_path()}
    step = request.POST.get("step") if request.method == "POST" else None
    if step == "number":
        return _send_pin(request, app, amount, context)
    if step == "pin":
        return _check_pin(request, app, context)
    return render(request, "sandbox/oauth_dialog.html", {**context, "step": "number"})


def _send_pin(request, app, amount, context):
    try:
        number = parse_address(request.POST.get("subscriber_number", ""))
    except PlatformError:
        context.update(step="number", error="Enter a Globe or TM mobile number.")
        return render(request, "sandbox/oauth_dialog.html", context, status=400)
    subscriber = handsets.subscriber_for(number)
    challenge = PinChallenge.objects.create(
        reference=secrets.token_urlsafe(24),
        app=app,
        subscriber=subscriber,
        pin=f"{secrets.randbelow(1_000_000):06d}",
        amount=amount,
    )
    handsets.receive(
        subscriber,
        app.shortcode,
        f"Your confirmation PIN for {app.name or app.shortcode} is {challenge.pin}.",
    )
    context.update(step="pin", reference=challenge.reference, number=number)
    return render(request, "sandbox/oauth_dialog.html", context)


def _check_pin(request, app, context):
    challenge = (
        PinChallenge.objects.select_related("subscriber")
        .filter(reference=request.POST.get("reference", ""), app=app, confirmed_at__isnull=True)
        .first()
    )
    if challenge is None or challenge.attempts >= PIN_ATTEMPTS:
        context.update(step="number", error="That confirmation has expired. Start again.")
        return render(request, "sandbox/oauth_dialog.html", context, status=400)
    if not secrets.compare_digest(challenge.pin, request.POST.get("pin", "").strip()):
        PinChallenge.objects.filter(pk=challenge.pk).update(attempts=challenge.attempts + 1)
        context.update(
            step="pin",
            reference=challenge.reference,
            number=challenge.subscriber.number,
            error="That PIN is not right.",
        )
        return render(request, "sandbox/oauth_dialog.html", context, status=400)
    PinChallenge.objects.filter(pk=challenge.pk).update(confirmed_at=timezone.now())
    source = Grant.Source.CHARGING if challenge.amount is not None else Grant.Source.WEBFORM
    code = consent.new_code(app, challenge.subscriber, source, amount=challenge.amount)
    if challenge.amount is not None:
        callbacks.send(
            app,
            Callback.Kind.CHARGING_CODE,
            app.notify_uri,
            method="GET",
            params={"code": code.code, "amount": f"{challenge.amount:.2f}"},
        )
        target = app.redirect_uri
    else:
        target = callbacks.with_query(app.redirect_uri, {"code": code.code})
    if not app.redirect_uri:
        context.update(step="done", code=code.code)
        return render(request, "sandbox/oauth_dialog.html", context)
    return HttpResponseRedirect(target)
