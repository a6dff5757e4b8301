"""Fax: `fax/send`, `fax/get_history`, `fax/get_rate`, `fax/query_status`,
and the documents at `/hoiio/files/<token>.pdf`.

`file` is the PDF base64-encoded (`error_invalid_file_param` otherwise);
it is billed per page (counted from the PDF's page objects) and transmitted
a moment later, answered or not by the number's `fax` behaviour, then
notified with its `fax_url`. History lists sent and received faxes (`type`
incoming, outgoing or all).
"""

import base64
import binascii
import re
import secrets

from django.http import Http404, HttpResponse

from sandbox import conf
from sandbox.hoiio import progress
from sandbox.hoiio.common import Call, hoiio_endpoint, invalid, later
from sandbox.hoiio.models import HoiioTransaction

_PAGE = re.compile(rb"/Type\s*/Page(?!s)")
FAX_KINDS = {
    "outgoing": [HoiioTransaction.Kind.FAX],
    "incoming": [HoiioTransaction.Kind.FAX_IN],
    "all": [HoiioTransaction.Kind.FAX, HoiioTransaction.Kind.FAX_IN],
}


def pages_of(document: bytes) -> int:
    return max(1, len(_PAGE.findall(document)))


def pdf(encoded: str) -> bytes:
    try:
        document = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("file") from None
    if not document.startswith(b"%PDF"):
        raise invalid("file")
    return document


def base_url(call: Call) -> str:
    return call.url("").removesuffix("/hoiio/")


@hoiio_endpoint("fax/send")
def send(call: Call) -> dict:
    dest = call.number("dest")
    document = pdf(call.required("file"))
    pages = pages_of(document)
    rate = conf.price("hoiio_fax")
    txn = call.record(
        HoiioTransaction.Kind.FAX,
        dest=dest,
        src=call.optional("caller_id") or call.account.mobile_number,
        filename=call.optional("filename") or "fax.pdf",
        document=document,
        file_token=secrets.token_urlsafe(16),
        pages=pages,
        status="ongoing",
        rate=rate,
        debit=rate * pages,
        **call.kept("caller_id"),
    )
    later(progress.transmit_fax, txn.pk, base_url(call))
    return {"txn_ref": txn.txn_ref}


def _faxes(call: Call, kinds):
    return HoiioTransaction.objects.filter(account=call.account, kind__in=kinds).select_related(
        "account"
    )


@hoiio_endpoint("fax/get_history")
def history(call: Call) -> dict:
    kind = call.optional("type") or "all"
    if kind not in FAX_KINDS:
        raise invalid("type")
    root = base_url(call)
    return call.history(_faxes(call, FAX_KINDS[kind]), lambda txn: progress.fax_entry(txn, root))


@hoiio_endpoint("fax/query_status")
def status(call: Call) -> dict:
    return progress.fax_entry(call.by_ref(_faxes(call, FAX_KINDS["all"])), base_url(call))


@hoiio_endpoint("fax/get_rate")
def rate(call: Call) -> dict:
    if incoming := call.incoming_rate("fax"):
        return incoming
    call.number("dest")
    return call.rate(conf.price("hoiio_fax"))


# A recording's stand-in: a valid, short, silent WAV (8 kHz, 16-bit, mono).
_SILENCE = 800
_WAV = (
    b"RIFF"
    + (36 + _SILENCE).to_bytes(4, "little")
    + b"WAVEfmt "
    + (16).to_bytes(4, "little")
    + (1).to_bytes(2, "little")
    + (1).to_bytes(2, "little")
    + (8000).to_bytes(4, "little")
    + (16000).to_bytes(4, "little")
    + (2).to_bytes(2, "little")
    + (16).to_bytes(2, "little")
    + b"data"
    + _SILENCE.to_bytes(4, "little")
    + b"\0" * _SILENCE
)


def document(request, name: str):
    """`GET /hoiio/files/<token>.pdf` (a fax) or `rec-....wav` (a recording)."""
    if request.method != "GET":
        raise Http404
    if name.startswith("rec-") and name.endswith(".wav"):
        return HttpResponse(_WAV, content_type="audio/wav")
    token = name.removesuffix(".pdf")
    txn = HoiioTransaction.objects.filter(file_token=token).exclude(file_token="").first()
    if txn is None or not name.endswith(".pdf"):
        raise Http404
    response = HttpResponse(bytes(txn.document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{txn.filename or "fax.pdf"}"'
    return response
