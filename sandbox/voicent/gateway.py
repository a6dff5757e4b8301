"""The gateway's three handlers: `/voicent/ocall/callreqHandler.jsp`,
`callstatusHandler.jsp`, `callremoveHandler.jsp` (GET or POST, form fields as
the SDK's `postToGateway` sends them).

A call request needs `phoneno` and one of `txt` (text to speech),
`audiofile` (a WAV on the host) or `startexec` with `cmdline` (a program run
on the host: BroadcastByPhone's vcast for callTillConfirm); the answer is a
page with `[ReqId=<id>]`, or a page saying what is missing and no id. The
status page carries `^made^`, `^failed^` or `^retry^`, or no marker while
the call is in progress, and also for an id the gateway does not know (a
removed or self-deleted request). The `voicent` fault applies to all three.
"""

import functools
import re
import shlex
import time

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from sandbox import conf, faults, worker
from sandbox.platform.common import AFTER_APPLY_KEY, one_writer
from sandbox.router import SANDBOX_DB
from sandbox.voicent import progress
from sandbox.voicent.models import VoicentRequest

REQ_ID_BASE = 11234035400
_CONFIRM = re.compile(r"-confirmcode\s+(\S+)")


def page(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(
        f"<html><body>{text}</body></html>\n", status=status, content_type="text/html"
    )


def gateway_endpoint(view):
    """Method, the `voicent` fault (answered as a JSP error page), after-apply faults."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest):
        if request.method not in ("GET", "POST"):
            return page("Method not allowed", 405)
        decision = faults.take("voicent")
        if decision and decision.latency:
            time.sleep(decision.latency)
        if decision and decision.error_status:
            return page(decision.message or "Internal error", decision.error_status)
        params = request.GET.copy()
        params.update(request.POST)
        with one_writer(), transaction.atomic(using=SANDBOX_DB):
            response = view(params)
        if decision and decision.after_apply == "error":
            return page(decision.message or "Internal error", decision.after_status)
        if decision and decision.after_apply:
            request.META[AFTER_APPLY_KEY] = (decision.after_apply, decision.hold_seconds)
        return response

    return wrapper


def parse_cmdline(cmdline: str) -> tuple[str, str]:
    """(call list, confirmation code) from vcast's command line, as the SDK builds it:
    `"<list.voc>" -startnow -confirmcode <code> -wavfile "<file.wav>"`."""
    try:
        words = shlex.split(cmdline, posix=False)
    except ValueError:
        words = cmdline.split()
    call_list = words[0].strip('"') if words else ""
    match = _CONFIRM.search(cmdline)
    return call_list, match.group(1) if match else ""


@gateway_endpoint
def call_request(params) -> HttpResponse:
    phoneno = (params.get("phoneno") or "").strip()
    txt, audiofile = params.get("txt") or "", params.get("audiofile") or ""
    startexec, cmdline = params.get("startexec") or "", params.get("cmdline") or ""
    if not phoneno:
        return page("Invalid request: phoneno is missing")
    if startexec:
        kind = VoicentRequest.Kind.OTHER
        call_list, code = parse_cmdline(cmdline)
        if startexec.lower().endswith("vcast.exe") and code:
            kind = VoicentRequest.Kind.TILL_CONFIRM
    elif txt:
        kind, call_list, code = VoicentRequest.Kind.TEXT, "", ""
    elif audiofile:
        kind, call_list, code = VoicentRequest.Kind.AUDIO, "", ""
    else:
        return page("Invalid request: nothing to play (txt, audiofile or startexec)")
    request = VoicentRequest.objects.create(
        kind=kind,
        info=params.get("info") or "",
        phoneno=phoneno,
        txt=txt,
        audiofile=audiofile,
        startexec=startexec,
        cmdline=cmdline,
        call_list=call_list,
        confirm_code=code,
        selfdelete=(params.get("selfdelete") or "0").strip() == "1",
    )
    request.req_id = str(REQ_ID_BASE + request.pk)
    request.save(update_fields=["req_id"])
    delay = conf.option("voicent_progress_delay")
    transaction.on_commit(
        lambda: worker.schedule(delay, progress.attempt, request.pk), using=SANDBOX_DB
    )
    return page(f"Call request scheduled [ReqId={request.req_id}]")


def _known(params) -> VoicentRequest | None:
    req_id = (params.get("reqid") or "").strip()
    return VoicentRequest.objects.filter(req_id=req_id, removed=False).first() if req_id else None


@gateway_endpoint
def call_status(params) -> HttpResponse:
    request = _known(params)
    if request is None or not request.status:
        return page("")
    return page(f"^{request.status}^")


@gateway_endpoint
def call_remove(params) -> HttpResponse:
    request = _known(params)
    if request is not None:
        VoicentRequest.objects.filter(pk=request.pk).update(removed=True)
    return page("OK")
