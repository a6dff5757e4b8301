"""USSD callbacks moving sessions through a menu: replies queued once per step,
actions through the services, timeouts, network-initiated pushes."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telecom.errors import ServiceError
from telecom.models import CallbackEvent, Charge, Message, UssdExchange, UssdSession
from telecom.services.ussd import expire_sessions, menu_statistics, push_ussd

pytestmark = pytest.mark.django_db


def post(client, app, session="012345678912", **fields):
    entry = {
        "datetime": "Tue May 17 2016 11:10:32 GMT+0000 (UTC)",
        "destinationAddress": app.shortcode,
        "senderAddress": "639171234567",
        "sessionID": session,
        **fields,
    }
    body = {"inboundUSSDMessageList": {"inboundUSSDMessage": [entry]}}
    return client.post(app.callback_path("ussd"), json.dumps(body), content_type="application/json")


def replies(session_id="012345678912"):
    return list(
        UssdExchange.objects.filter(session__session_id=session_id)
        .order_by("sequence")
        .values_list("reply", "flash")
    )


def test_a_session_walks_three_levels_and_charges_at_the_end(client, globe_app, menu, subscribe):
    subscribe("+639171234567")
    post(client, globe_app, message=None, sessionStart=True)
    post(client, globe_app, message="2", datetime="Tue May 17 2016 11:10:40 GMT+0000 (UTC)")
    post(client, globe_app, message="1", datetime="Tue May 17 2016 11:10:45 GMT+0000 (UTC)")
    post(client, globe_app, message="abc", datetime="Tue May 17 2016 11:10:50 GMT+0000 (UTC)")
    post(client, globe_app, message="25", datetime="Tue May 17 2016 11:10:55 GMT+0000 (UTC)")
    assert replies() == [
        ("Welcome\n1. Info\n2. Buy load", False),
        ("Buy load\n1. Other amount", False),
        ("Enter amount:", False),
        ("Enter an amount, like 50 or 12.50.\nEnter amount:", False),
        ("Thank you! 25 pesos.", True),
    ]
    session = UssdSession.objects.get()
    assert session.status == UssdSession.Status.COMPLETED and session.variables == {"amount": "25"}
    charge = Charge.objects.get()
    assert str(charge.amount) == "25.00" and charge.status == "queued"
    assert "charge" in session.end_reason


def test_preset_inputs_walk_the_menu_as_if_typed(client, globe_app, menu, subscribe):
    subscribe("+639171234567")
    post(client, globe_app, message=["1"], sessionStart=True)
    assert replies() == [("We will text you the details.", True)]
    assert Message.objects.get().text == "Details: call 888"


def test_dial_string_start_as_in_the_docs_callback_example(client, globe_app, menu, subscribe):
    subscribe("+639171234567")
    post(client, globe_app, message="*120*9996*2#")
    assert replies() == [("Buy load\n1. Other amount", False)]


def test_a_callback_for_another_apps_code_is_rejected_as_sms_mo_is(
    client, globe_app, menu, subscribe
):
    subscribe("+639171234567")
    response = post(
        client, globe_app, message=None, sessionStart=True, destinationAddress="29999999"
    )
    assert response.status_code == 400
    assert "inboundUSSDMessage[0].destinationAddress" in response.json()["error"]["fields"]
    assert CallbackEvent.objects.get().status == CallbackEvent.Status.REJECTED
    assert not UssdSession.objects.exists() and not replies()


def test_a_repeated_callback_is_answered_once(client, globe_app, menu, subscribe):
    subscribe("+639171234567")
    for _ in range(3):
        assert post(client, globe_app, message=None, sessionStart=True).status_code == 200
    assert len(replies()) == 1


def test_input_after_the_end_gets_a_closing_notice(client, globe_app, menu, subscribe):
    subscribe("+639171234567")
    post(client, globe_app, message=["1"], sessionStart=True)
    post(client, globe_app, message="2", datetime="Tue May 17 2016 11:11:00 GMT+0000 (UTC)")
    assert replies()[-1] == ("This session has ended.", True)


def test_app_without_a_live_menu_answers_unavailable(client, globe_app, menu):
    menu.is_live = False
    menu.save()
    post(client, globe_app, message=None, sessionStart=True)
    assert replies() == [("This service is not available right now.", True)]
    assert UssdSession.objects.get().status == UssdSession.Status.ERROR


def test_sessions_time_out_and_feed_the_statistics(client, globe_app, menu, subscribe):
    subscribe("+639171234567")
    post(client, globe_app, message=["2"], sessionStart=True)
    post(client, globe_app, session="other", message=["1"], sessionStart=True)
    UssdSession.objects.filter(session_id="012345678912").update(
        last_activity_at=timezone.now() - timedelta(minutes=10)
    )
    assert expire_sessions() == 1
    stats = menu_statistics(menu)
    assert (stats["started"], stats["completed"], stats["timed_out"]) == (2, 1, 1)
    assert stats["drop_off"] == [{"screen": "load", "sessions": 1}]


def test_push_notice_and_push_menu(globe_app, menu, subscribe):
    subscribe("+639171234567")
    notice = push_ussd(app=globe_app, to="09171234567", text="Your order has shipped")
    assert notice.network_initiated and notice.status == UssdSession.Status.COMPLETED
    started = push_ussd(app=globe_app, to="09171234567", menu=menu)
    assert started.status == UssdSession.Status.ACTIVE and started.screen.key == "main"
    with pytest.raises(ServiceError):
        push_ussd(app=globe_app, to="09171234567", text="x" * 300)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "inboundUSSDMessageList",
                        "inboundUSSDMessage",
                        "message",
                        "sessionID",
                        "senderAddress",
                        "sessionStart",
                        "datetime",
                    ]
                ),
                children,
                max_size=5,
            )
        ),
        max_leaves=10,
    )
)
def test_ussd_callback_never_answers_500(client, globe_app, menu, body):
    response = client.post(
        globe_app.callback_path("ussd"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (200, 400)
