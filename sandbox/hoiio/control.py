"""Control of the Hoiio twin (`/_sandbox/hoiio/...`, JSON) and of how numbers
behave (`/_sandbox/phones`).

- `GET|POST /_sandbox/hoiio/accounts`: POST upserts by `app_id`
  (`access_token`, `points`, `bonus`, `currency`, `country`, `name`,
  `mobile_number`, `email`); a new account gets `default_hoiio_credit`.
- `GET /_sandbox/hoiio/accounts/<app_id>`: with its balance.
- `GET /_sandbox/hoiio/transactions?kind=&app_id=&tag=&bulk_txn_ref=&dest=`:
  every SMS, call, fax and subscription, oldest first.
- `GET /_sandbox/hoiio/sessions`: IVR sessions with the blocks they ran;
  `GET /_sandbox/hoiio/sessions/<session>`: one.
- `GET /_sandbox/hoiio/rooms`: conference rooms and who is in them.
- `GET|POST /_sandbox/hoiio/numbers`: the catalogue and who rents what; POST
  `{"number", "country", "state"}` offers another number.
- `POST /_sandbox/hoiio/numbers/<number>/sms` `{"from", "msg"}` and
  `.../fax` `{"from", "pdf"}` (base64; a one-page PDF when absent): something
  arrives on a rented number and is forwarded to its URLs. Answers once the
  notification was delivered, with the app's answer.
- `POST /_sandbox/hoiio/numbers/<number>/call` `{"from", "digits"}`: a call
  rings on a rented number in voice mode: Hoiio's `ringing` notification
  goes to its `forward_to`, the app's blocks play, and each gather takes the
  next of `digits` (up to its `max_digits`; without one, up to a `#`).
  Answers 201 at once with the `session`; its transcript is at
  `/_sandbox/hoiio/sessions/<session>`.
- `GET|POST /_sandbox/phones`: POST `{"number", "call", "digits", "fax",
  "sms"}` sets how a number behaves when called, faxed or texted.
"""

import base64
import secrets

from django.http import JsonResponse

from sandbox import conf
from sandbox.control.common import (
    ControlError,
    body,
    callback_json,
    control_view,
    number_of,
)
from sandbox.hoiio import progress
from sandbox.hoiio.accounts import upsert_account
from sandbox.hoiio.common import later, money, new_transaction
from sandbox.hoiio.fax import pages_of
from sandbox.hoiio.models import (
    HoiioAccount,
    HoiioNumber,
    HoiioRoom,
    HoiioSession,
    HoiioTransaction,
)
from sandbox.hoiio.numbers import ensure_catalogue, number_entry
from sandbox.models import Callback, Phone
from sandbox.rows import attributes

SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)


def account_json(account: HoiioAccount) -> dict:
    return {
        **attributes(account, "app_id", "access_token", "name", "mobile_number", "email"),
        **attributes(account, "country", "currency"),
        "points": money(account.points),
        "bonus": money(account.bonus),
        "balance": money(account.balance),
    }


@control_view("GET", "POST")
def accounts(request):
    if request.method == "GET":
        return JsonResponse({"accounts": [account_json(a) for a in HoiioAccount.objects.all()]})
    account, created = upsert_account(body(request))
    return JsonResponse(account_json(account), status=201 if created else 200)


@control_view("GET")
def account_detail(request, app_id: str):
    account = HoiioAccount.objects.filter(app_id=app_id).first()
    if account is None:
        raise ControlError(404, f"no Hoiio account {app_id!r}")
    return JsonResponse(account_json(account))


def transaction_json(txn: HoiioTransaction) -> dict:
    return {
        "id": txn.pk,
        "app_id": txn.account.app_id,
        "kind": txn.kind,
        "txn_ref": txn.txn_ref,
        "bulk_txn_ref": txn.bulk_txn_ref,
        "tag": txn.tag,
        "src": txn.src,
        "dest": txn.dest,
        "dest2": txn.dest2,
        "msg": txn.msg,
        "status": txn.status,
        "call_status_dest1": txn.status1,
        "call_status_dest2": txn.status2,
        "room": txn.room.room if txn.room_id else None,
        "pages": txn.pages,
        "filename": txn.filename,
        "document_bytes": len(txn.document or b""),
        "duration": txn.duration,
        "debit": money(txn.debit),
        "ended": txn.ended_at is not None,
        "request": txn.request,
        "created_at": txn.created_at.isoformat(),
    }


@control_view("GET")
def transactions(request):
    found = HoiioTransaction.objects.select_related("account", "room").order_by("id")
    for name, lookup in (
        ("kind", "kind"),
        ("app_id", "account__app_id"),
        ("tag", "tag"),
        ("bulk_txn_ref", "bulk_txn_ref"),
        ("txn_ref", "txn_ref"),
    ):
        if request.GET.get(name):
            found = found.filter(**{lookup: request.GET[name]})
    if request.GET.get("dest"):
        found = found.filter(dest=number_of(request.GET["dest"]))
    return JsonResponse({"transactions": [transaction_json(t) for t in found]})


def session_json(s: HoiioSession) -> dict:
    return {
        "session": s.session,
        "app_id": s.account.app_id,
        "src": s.transaction.src,
        "dest": s.transaction.dest,
        "txn_ref": s.transaction.txn_ref,
        "state": s.state,
        "direction": s.direction,
        "transcript": s.transcript,
    }


@control_view("GET")
def sessions(request):
    found = HoiioSession.objects.select_related("transaction", "account").order_by("id")
    return JsonResponse({"sessions": [session_json(s) for s in found]})


@control_view("GET")
def session_detail(request, session: str):
    found = HoiioSession.objects.select_related("transaction", "account")
    kept = found.filter(session=session).first()
    if kept is None:
        raise ControlError(404, f"no Hoiio session {session!r}")
    return JsonResponse(session_json(kept))


@control_view("GET")
def rooms(request):
    result = []
    for room in HoiioRoom.objects.select_related("account").order_by("id"):
        calls = room.hoiiotransaction_set.order_by("id")
        result.append(
            {
                "room": room.room,
                "app_id": room.account.app_id,
                "participants": [
                    {
                        "dest": c.dest,
                        "txn_ref": c.txn_ref,
                        "status": c.status1,
                        "ended": bool(c.ended_at),
                    }
                    for c in calls
                ],
                "present": [c.dest for c in calls if c.ended_at is None],
            }
        )
    return JsonResponse({"rooms": result})


@control_view("GET", "POST")
def numbers(request):
    ensure_catalogue()
    if request.method == "POST":
        data = body(request)
        country = str(data.get("country") or "").upper()
        if len(country) != 2:
            raise ControlError(400, "country is a two-letter code")
        number, _ = HoiioNumber.objects.update_or_create(
            number=number_of(data.get("number") or ""),
            defaults={"country": country, "state": str(data.get("state") or "").upper()},
        )
        return JsonResponse(number_entry(number), status=201)
    found = HoiioNumber.objects.select_related("account").order_by("number")
    return JsonResponse(
        {
            "numbers": [
                {**number_entry(n), "app_id": n.account.app_id if n.account_id else None}
                for n in found
            ]
        }
    )


def _rented(number: str) -> HoiioNumber:
    found = HoiioNumber.objects.select_related("account").filter(number=number_of(number)).first()
    if found is None or found.account_id is None:
        raise ControlError(404, f"{number} is not rented by any account")
    return found


def _last_callback(kind: str) -> dict | None:
    callback = Callback.objects.filter(kind=kind).select_related("app").order_by("-id").first()
    return callback_json(callback) if callback else None


def _incoming(rented: HoiioNumber, kind: str, data: dict, price: str, **fields):
    """A transaction for what reached a rented number `from` someone, at its price."""
    return new_transaction(
        rented.account,
        kind,
        src=number_of(data.get("from") or ""),
        dest=rented.number,
        rate=conf.price(price),
        debit=conf.price(price),
        **fields,
    )


@control_view("POST")
def incoming_sms(request, number: str):
    rented = _rented(number)
    data = body(request)
    msg = data.get("msg")
    if not isinstance(msg, str) or not msg:
        raise ControlError(400, "msg is required")
    txn = _incoming(
        rented, HoiioTransaction.Kind.SMS_IN, data, "hoiio_sms_in", msg=msg, status="received"
    )
    progress.forward_sms(txn.pk)
    return JsonResponse(
        {"txn_ref": txn.txn_ref, "callback": _last_callback(Callback.Kind.HOIIO_SMS_IN)},
        status=201,
    )


@control_view("POST")
def incoming_fax(request, number: str):
    rented = _rented(number)
    if rented.mode != "fax":
        raise ControlError(409, f"{rented.number} is in {rented.mode} mode, not fax")
    data = body(request)
    document = SAMPLE_PDF
    if data.get("pdf"):
        try:
            document = base64.b64decode(data["pdf"], validate=True)
        except ValueError:
            raise ControlError(400, "pdf must be base64") from None
    txn = _incoming(
        rented,
        HoiioTransaction.Kind.FAX_IN,
        data,
        "hoiio_fax_in",
        document=document,
        filename="received.pdf",
        file_token=secrets.token_urlsafe(16),
        pages=pages_of(document),
        status="answered",
    )
    progress.forward_fax(txn.pk, f"{request.scheme}://{request.get_host()}")
    return JsonResponse(
        {"txn_ref": txn.txn_ref, "callback": _last_callback(Callback.Kind.HOIIO_FAX_IN)},
        status=201,
    )


CALL_FIELDS = {"from", "digits"}


@control_view("POST")
def incoming_call(request, number: str):
    rented = _rented(number)
    data = body(request)
    unknown = sorted(set(data) - CALL_FIELDS)
    if unknown:
        raise ControlError(400, f"unknown call fields: {', '.join(unknown)}")
    caller = data.get("from")
    if not isinstance(caller, str) or not caller:
        raise ControlError(400, "from is required: the calling number")
    try:
        caller = number_of(caller)
    except ControlError as exc:
        raise ControlError(400, f"from: {exc.message}") from None
    digits = data.get("digits", "")
    if (
        not isinstance(digits, str)
        or len(digits) > 32
        or any(key not in "0123456789*#" for key in digits)
    ):
        raise ControlError(400, "digits must be keypad keys (0-9, *, #), at most 32")
    if rented.mode != "voice" or not rented.forward_to:
        raise ControlError(409, f"{rented.number} forwards no calls (mode {rented.mode})")
    txn = _incoming(
        rented,
        HoiioTransaction.Kind.IVR,
        {"from": caller},
        "hoiio_call",
        notify_url=rented.forward_to,
        request={"from": caller, "digits": digits},
    )
    session = HoiioSession.objects.create(
        session=f"S{txn.pk}",
        account=rented.account,
        transaction=txn,
        direction="in",
        transcript=[{"block": "ring", "from": caller}],
    )
    later(progress.ring_in, session.pk)
    return JsonResponse({"session": session.session, "txn_ref": txn.txn_ref}, status=201)


def phone_json(phone: Phone) -> dict:
    return {
        "number": phone.number,
        "call": phone.call,
        "digits": phone.digits,
        "fax": phone.fax,
        "sms": phone.sms,
    }


@control_view("GET", "POST")
def phones(request):
    if request.method == "GET":
        return JsonResponse({"phones": [phone_json(p) for p in Phone.objects.all()]})
    data = body(request)
    unknown = sorted(set(data) - {"number", "call", "digits", "fax", "sms"})
    if unknown:
        raise ControlError(400, f"unknown phone fields: {', '.join(unknown)}")
    phone, _ = Phone.objects.get_or_create(number=number_of(data.get("number") or ""))
    for name, choices in (("call", Phone.Call), ("fax", Phone.Call), ("sms", Phone.Sms)):
        if name in data:
            if data[name] not in choices.values:
                raise ControlError(400, f"{name} must be one of {', '.join(choices.values)}")
            setattr(phone, name, data[name])
    if "digits" in data:
        if not isinstance(data["digits"], str) or len(data["digits"]) > 32:
            raise ControlError(400, "digits must be text of at most 32 keys")
        phone.digits = data["digits"]
    phone.save()
    return JsonResponse(phone_json(phone))
