"""End to end, the Hoiio calls that only ask: rates (sending and receiving an
SMS or a fax, a call-back), the account, and each status query, through
Hatid's services against the Hoiio twin."""

from decimal import Decimal

import pytest

from sandbox.client import wait_for
from telecom.models import Fax, HoiioNumber, Message, VoiceCall
from telecom.services import fax as faxes
from telecom.services.hoiio import numbers as hoiio_numbers
from telecom.services.hoiio import prices as hoiio_prices
from telecom.services.hoiio import sms as hoiio_sms
from telecom.services.hoiio import voice as hoiio_voice
from telecom.services.messaging import send_sms

pytestmark = pytest.mark.e2e
A, B = "+639171234567", "+639181234567"


def test_rates_and_the_account(sandbox, hoiio_app, celery_worker):
    call = hoiio_prices.call_rate(hoiio_app, A, B)
    assert (call.rate, call.talktime, call.currency) == (Decimal("0.08"), 1250, "SGD")
    assert hoiio_prices.fax_rate(hoiio_app, A).rate == Decimal("0.10")
    info = hoiio_prices.account(hoiio_app)
    assert (info.mobile_number, info.currency, info.prefix) == ("+639170000001", "SGD", "65")
    number = hoiio_numbers.subscribe_number(app=hoiio_app, number="+6531591004")
    active = wait_for(lambda: HoiioNumber.objects.filter(pk=number.pk, status="active").first())
    receiving = hoiio_prices.receiving_rates(active)
    assert (receiving.sms.rate, receiving.fax.rate) == (Decimal("0.01"), Decimal("0.02"))


def test_status_queries_for_an_sms_a_call_and_a_fax(sandbox, hoiio_app, celery_worker):
    """Each status asked for, as an operator's "ask Hoiio now" does."""
    sandbox.phone(A, sms="failed")
    message = send_sms(app=hoiio_app, to=A, text="x")
    sent = wait_for(lambda: Message.objects.filter(pk=message.pk, status="sent").first())
    Message.objects.filter(pk=sent.pk).update(delivery_status="queued")  # its report was lost
    wait_for(lambda: sandbox.hoiio_transactions(kind="sms")[0]["status"] == "failed")
    assert hoiio_sms.refresh_messages([Message.objects.get(pk=sent.pk)]) == 1
    assert Message.objects.get(pk=sent.pk).delivery_status == "failed"

    call = hoiio_voice.place_call_back(app=hoiio_app, dest1=A, dest2=B)
    placed = wait_for(lambda: VoiceCall.objects.filter(pk=call.pk).exclude(txn_ref="").first())
    wait_for(lambda: sandbox.hoiio_transactions(kind="call")[0]["call_status_dest2"] == "ongoing")
    hoiio_voice.refresh_call(placed)
    assert VoiceCall.objects.get(pk=call.pk).status == VoiceCall.Status.ONGOING

    fax = faxes.send_fax(app=hoiio_app, dest=B, document=b"%PDF-1.4\n%%EOF")
    wait_for(lambda: Fax.objects.filter(pk=fax.pk, status="answered").exists())
    Fax.objects.filter(pk=fax.pk).update(status=Fax.Status.SUBMITTED, pages=None)
    faxes.refresh_fax(Fax.objects.get(pk=fax.pk))
    refreshed = Fax.objects.get(pk=fax.pk)
    assert (refreshed.status, refreshed.pages) == (Fax.Status.ANSWERED, 1)
