"""What the gateway does with a request after answering (on the sandbox's
background thread): dial, retry, give up; or run a call till confirm.

- A text or audio call dials its number: answered, the call is made; busy
  or unanswered, the status shows `^retry^` and it dials again after
  `voicent_progress_delay`, up to `voicent_attempts` attempts, then fails;
  a number that cannot be reached fails at once.
- A call till confirm reads its call list on the host (a list the control
  API put there; a list that is not there fails the run), and calls each
  number in turn; one that answers and keys in the confirmation code makes
  the run `made` (whoever it was is kept in `confirmed_by`); after
  `voicent_till_confirm_rounds` rounds without, it fails.
- A removed request stops; a self-deleting one is removed once made or failed.
"""

from django.db import transaction

from sandbox import conf, worker
from sandbox.models.phones import Phone, phone
from sandbox.platform.common import one_writer
from sandbox.router import SANDBOX_DB
from sandbox.voicent.models import VoicentCallList, VoicentRequest
from telecom.msisdn import InvalidMsisdn, normalize_msisdn

MADE, FAILED, RETRY = "made", "failed", "retry"


def _number(dialled: str) -> str:
    try:
        return normalize_msisdn(dialled)
    except InvalidMsisdn:
        return dialled


def attempt(request_id: int) -> None:
    with one_writer(), transaction.atomic(using=SANDBOX_DB):
        request = VoicentRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.removed or request.status in (MADE, FAILED):
            return
        request.attempts += 1
        if request.kind == VoicentRequest.Kind.TILL_CONFIRM:
            _till_confirm(request)
        elif request.kind == VoicentRequest.Kind.OTHER:
            request.status = MADE  # the program was started
        else:
            _dial(request)
        if request.selfdelete and request.status in (MADE, FAILED):
            request.removed = True
        request.save()
    if request.status == RETRY:
        worker.schedule(conf.option("voicent_progress_delay"), attempt, request_id)


def _dial(request: VoicentRequest) -> None:
    number = _number(request.phoneno)
    outcome = phone(number).call
    request.calls = [*request.calls, {"number": number, "outcome": outcome}]
    if outcome == Phone.Call.ANSWERED:
        request.status = MADE
    elif outcome == Phone.Call.FAILED or request.attempts >= conf.option("voicent_attempts"):
        request.status = FAILED
    else:
        request.status = RETRY


def _till_confirm(request: VoicentRequest) -> None:
    found = VoicentCallList.objects.filter(path=request.call_list).first()
    if found is None or not found.numbers:
        request.calls = [{"error": f"cannot open the call list {request.call_list!r}"}]
        request.status = FAILED
        return
    rounds = int(conf.option("voicent_till_confirm_rounds"))
    for _ in range(rounds):
        for dialled in found.numbers:
            number = _number(dialled)
            callee = phone(number)
            confirmed = callee.call == Phone.Call.ANSWERED and callee.digits == request.confirm_code
            request.calls = [
                *request.calls,
                {"number": number, "outcome": callee.call, "confirmed": confirmed},
            ]
            if confirmed:
                request.status, request.confirmed_by = MADE, number
                return
    request.status = FAILED
