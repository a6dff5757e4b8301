"""One voice over three providers: `/api/v1/calls/` starts a flow on a Globe Labs,
Voicent or Hoiio app and lists every provider's calls in one shape;
`/api/v1/escalations/` lists every provider's escalations."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from telecom.models import ApiKey, IvrSession, VoiceCall, VoicentCall
from telecom.services import voicent
from telecom.services.hoiio import ivr as hoiio_ivr
from telecom.services.hoiio import voice as hoiio_voice
from tests.support.factories import HoiioAppFactory, PartnerFactory, VoicentAppFactory
from tests.support.voice_flows import MENU_FLOW
from voiceflows.models import CallSession, CallTrigger
from voiceflows.services.escalations import start_escalation
from voiceflows.services.flows import import_flow, say_step
from voiceflows.services.outbound import start_call

pytestmark = pytest.mark.django_db
A, B = "+639171234567", "+639181234567"
WAV = r"C:\Voicent\hello.wav"

NOTICE_FLOW = {
    "slug": "notice",
    "name": "Notice",
    "start": "hello",
    "steps": [
        say_step("hello", "Hello {name}.", "news"),
        say_step("news", "Your parcel is here.", "bye"),
        {"key": "bye", "verb": "hangup"},
    ],
}
AUDIO_FLOW = {
    "slug": "jingle",
    "name": "Jingle",
    "steps": [say_step("play", WAV)],
}


@pytest.fixture
def apps(menu_flow, globe_app):
    hoiio, gateway = HoiioAppFactory(), VoicentAppFactory()
    import_flow(app=gateway, data=NOTICE_FLOW)
    import_flow(app=gateway, data=AUDIO_FLOW)
    import_flow(app=gateway, data=MENU_FLOW)
    import_flow(app=hoiio, data=NOTICE_FLOW)
    return {"globe": globe_app, "hoiio": hoiio, "voicent": gateway}


@pytest.fixture
def api(apps):
    def client(scopes=("calls",), app_list=None):
        partner = PartnerFactory()
        partner.apps.add(*(app_list or apps.values()))
        _, key = ApiKey.generate(partner=partner, scopes=list(scopes))
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        return api

    return client


def one_of_each(apps) -> dict:
    """A call in every source: Globe, Hoiio call-back, Hoiio IVR, Voicent (a flow)."""
    globe = start_call(app=apps["globe"], to=A, variables={"name": "Ana"})
    callback = hoiio_voice.place_call_back(app=apps["hoiio"], dest1=A, dest2=B)
    ivr = hoiio_ivr.start_ivr(app=apps["hoiio"], dest=B, steps=[{"kind": "play", "msg": "x"}])
    gateway = start_call(
        app=apps["voicent"], to=B, flow=apps["voicent"].voice_flows.get(slug="notice")
    )
    return {"globe": globe, "hoiio": callback, "hoiio-ivr": ivr, "voicent": gateway}


def refs(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [call["ref"] for call in response.json()["results"]]


def test_calls_of_every_provider_are_listed_newest_first_in_one_shape(api, apps):
    calls = one_of_each(apps)

    listed = api().get("/api/v1/calls/").json()["results"]

    assert [c["ref"] for c in listed] == [
        f"voicent/{calls['voicent'].pk}",
        f"hoiio-ivr/{calls['hoiio-ivr'].pk}",
        f"hoiio/{calls['hoiio'].pk}",
        f"globe/{calls['globe'].pk}",
    ]
    assert {c["provider"] for c in listed} == {"globe", "hoiio", "voicent"}
    assert all(c["status"] == "queued" and c["provider_status"] == "queued" for c in listed)
    by_ref = {c["ref"]: c for c in listed}
    globe = by_ref[f"globe/{calls['globe'].pk}"]
    assert (globe["to"], globe["flow"], globe["variables"]) == (A, "menu", {"name": "Ana"})
    hoiio = by_ref[f"hoiio/{calls['hoiio'].pk}"]
    assert (hoiio["kind"], hoiio["to"], hoiio["from"], hoiio["flow"]) == ("callback", A, B, None)
    gateway = by_ref[f"voicent/{calls['voicent'].pk}"]
    assert (gateway["kind"], gateway["flow"], gateway["to"]) == ("text", "notice", B)
    assert set(globe) == set(gateway) == set(hoiio)


def test_a_globe_calls_status_follows_its_session_and_keeps_the_raw_one(api, apps):
    trigger = start_call(app=apps["globe"], to=A)
    CallTrigger.objects.filter(pk=trigger.pk).update(status="triggered")
    client = api()
    [ringing] = client.get("/api/v1/calls/", {"provider": "globe"}).json()["results"]
    assert (ringing["status"], ringing["provider_status"]) == ("ringing", "triggered")

    CallSession.objects.create(
        app=apps["globe"], session_id="s-1", direction="outbound", trigger=trigger, status="active"
    )
    detail = client.get(f"/api/v1/calls/globe/{trigger.pk}/").json()
    assert (detail["status"], detail["provider_status"]) == ("in_progress", "active")
    assert detail["session"]["session_id"] == "s-1"
    assert refs(client.get("/api/v1/calls/", {"status": "in_progress"})) == [f"globe/{trigger.pk}"]
    assert refs(client.get("/api/v1/calls/", {"status": "ringing"})) == []


def test_calls_filter_by_provider_app_status_number_flow_and_dates(api, apps):
    calls = one_of_each(apps)
    VoiceCall.objects.filter(pk=calls["hoiio"].pk).update(status="busy")
    old = timezone.now() - timedelta(days=3)
    IvrSession.objects.filter(pk=calls["hoiio-ivr"].pk).update(created_at=old)
    client = api()

    assert refs(client.get("/api/v1/calls/", {"provider": "hoiio"})) == [
        f"hoiio/{calls['hoiio'].pk}",
        f"hoiio-ivr/{calls['hoiio-ivr'].pk}",  # the older
    ]
    assert refs(client.get("/api/v1/calls/", {"app": apps["voicent"].pk})) == [
        f"voicent/{calls['voicent'].pk}"
    ]
    assert refs(client.get("/api/v1/calls/", {"status": "busy"})) == [f"hoiio/{calls['hoiio'].pk}"]
    assert set(refs(client.get("/api/v1/calls/", {"number": "09181234567"}))) == {
        f"hoiio-ivr/{calls['hoiio-ivr'].pk}",
        f"voicent/{calls['voicent'].pk}",
    }
    assert refs(client.get("/api/v1/calls/", {"flow": "notice"})) == [
        f"voicent/{calls['voicent'].pk}"
    ]
    day_ago = (timezone.now() - timedelta(days=1)).isoformat()
    assert f"hoiio-ivr/{calls['hoiio-ivr'].pk}" not in refs(
        client.get("/api/v1/calls/", {"since": day_ago})
    )
    assert refs(client.get("/api/v1/calls/", {"until": day_ago})) == [
        f"hoiio-ivr/{calls['hoiio-ivr'].pk}"
    ]


def test_a_call_is_read_by_its_ref_and_only_by_its_partner(api, apps):
    calls = one_of_each(apps)
    client = api()

    for source, row in calls.items():
        detail = client.get(f"/api/v1/calls/{source}/{row.pk}/")
        assert detail.status_code == 200 and detail.json()["ref"] == f"{source}/{row.pk}"
    old_address = client.get(f"/api/v1/calls/{calls['globe'].pk}/")
    assert old_address.json()["ref"] == f"globe/{calls['globe'].pk}"
    assert client.get(f"/api/v1/calls/skype/{calls['globe'].pk}/").status_code == 404
    stranger = api(app_list=[HoiioAppFactory()])
    assert stranger.get(f"/api/v1/calls/voicent/{calls['voicent'].pk}/").status_code == 404
    assert refs(stranger.get("/api/v1/calls/")) == []


def test_pages_follow_the_cursor_without_gaps_or_repeats(api, apps):
    for _ in range(3):
        one_of_each(apps)
    same_moment = timezone.now()
    for model in (VoicentCall, VoiceCall):  # ties on created_at keep one order
        model.objects.update(created_at=same_moment)
    client = api()
    everything = refs(client.get("/api/v1/calls/", {"page_size": 500}))

    seen, url = [], "/api/v1/calls/?page_size=5"
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 5 and page["previous"] is None
        seen += [call["ref"] for call in page["results"]]
        url = page["next"]

    assert seen == everything and len(seen) == 12 == len(set(seen))


def test_a_page_costs_the_same_queries_however_many_calls(api, apps, django_assert_max_num_queries):
    client = api()
    one_of_each(apps)
    with django_assert_max_num_queries(8) as few:
        assert len(refs(client.get("/api/v1/calls/"))) == 4
    for _ in range(15):
        one_of_each(apps)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(refs(client.get("/api/v1/calls/", {"page_size": 60}))) == 60


def test_calls_need_the_calls_scope(api, apps):
    calls = one_of_each(apps)
    client = api(scopes=["sms:send"])

    assert client.get("/api/v1/calls/").status_code == 403
    assert client.get(f"/api/v1/calls/hoiio/{calls['hoiio'].pk}/").status_code == 403
    assert client.get("/api/v1/escalations/").status_code == 403


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("status", "triggered"),
        ("status", ""),
        ("provider", "skype"),
        ("app", "one"),
        ("app", "0.5"),
        ("since", "yesterday"),
        ("until", "2026-01-01T00:00:00+23:00"),
        ("since", "99999-01-01T00:00:00Z"),
        ("number", "12"),
        ("cursor", "not-a-cursor"),
        ("cursor", "WyJ4IiwgMSwgMl0"),  # ["x", 1, 2]
        ("cursor", "WyIwMDAxLTAxLTAxVDAwOjAwOjAwKzE0OjAwIiwgMSwgMl0"),  # year 1, +14:00
        ("cursor", "WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwgMSwgMl0"),  # no offset
        ("cursor", "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwgdHJ1ZSwgMl0"),  # rank true
        ("cursor", "%%%"),
        ("page_size", "0"),
        ("page_size", "\u0661\u0660"),  # Arabic-Indic 10
        ("flow", "x" * 51),
    ],
)
def test_hostile_query_parameters_are_a_400_naming_them(api, apps, param, value):
    answer = api().get("/api/v1/calls/", {param: value})

    assert answer.status_code == 400, answer.content
    assert param in answer.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("app", "99999999999999999999999"),
        ("cursor", "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzIzOjAwIiwgMSwgMl0"),  # +23:00, read in UTC
        ("number", "+63917\u0661234567"),
    ],
)
def test_odd_but_harmless_parameters_are_never_a_500(api, apps, param, value):
    answer = api().get("/api/v1/calls/", {param: value})

    assert answer.status_code in (200, 400), answer.content
    if answer.status_code == 400:
        assert param in answer.json()["error"]["fields"]


def post_call(client, app, key, **body):
    return client.post(
        "/api/v1/calls/",
        {"to": "09171234567", "app": app.pk, **body},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_post_plays_a_flow_on_a_globe_app(api, apps):
    created = post_call(api(), apps["globe"], "g", flow="menu")

    assert created.status_code == 201, created.json()
    assert created.json()["ref"] == f"globe/{CallTrigger.objects.get().pk}"


def test_post_turns_a_text_only_flow_into_one_voicent_call(api, apps):
    created = post_call(api(), apps["voicent"], "v", flow="notice", variables={"name": "Ana"})

    assert created.status_code == 201, created.json()
    call = VoicentCall.objects.get()
    assert created.json()["ref"] == f"voicent/{call.pk}"
    assert (call.kind, call.text, call.flow) == (
        "text",
        "Hello Ana. Your parcel is here.",
        "notice",
    )
    assert (call.status, call.source, call.phone) == ("queued", "api", A)


def test_post_turns_an_audio_flow_into_a_voicent_audio_call(api, apps):
    created = post_call(api(), apps["voicent"], "a", flow="jingle")

    assert created.status_code == 201, created.json()
    call = VoicentCall.objects.get()
    assert (call.kind, call.audio_file) == ("audio", WAV)


def test_post_refuses_a_flow_the_voicent_gateway_cannot_play_naming_the_step(api, apps):
    refused = post_call(api(), apps["voicent"], "m", flow="menu")

    assert refused.status_code == 400
    error = refused.json()["error"]
    assert "'menu'" in error["fields"]["flow"][0] and "ask" in error["fields"]["flow"][0]
    assert not VoicentCall.objects.exists()


def test_post_on_a_hoiio_app_dials_through_its_ivr_and_lists_the_flow(api, apps):
    created = post_call(api(), apps["hoiio"], "h", flow="notice", variables={"name": "Ana"})

    assert created.status_code == 201, created.json()
    dial = IvrSession.objects.get()
    assert created.json()["ref"] == f"hoiio-ivr/{dial.pk}"
    assert (created.json()["flow"], created.json()["to"]) == ("notice", "+639171234567")
    played = CallSession.objects.get(session_id=dial.tag)
    assert (played.flow.slug, played.variables["name"]) == ("notice", "Ana")
    listed = api().get("/api/v1/calls/", {"flow": "notice", "provider": "hoiio"}).json()
    assert [call["ref"] for call in listed["results"]] == [f"hoiio-ivr/{dial.pk}"]


def test_escalations_of_every_provider_are_listed_in_one_shape(api, apps):
    flows = start_escalation(
        app=apps["globe"], numbers=[A], confirmation_code="818181818", message="Fire"
    )
    gateway = voicent.start_escalation(
        app=apps["voicent"],
        reason="Flood",
        contacts=[A, B],
        audio_file=WAV,
        confirm_code="909090909",
        call_list=r"C:\lists\{number}.voc",
    )
    client = api()

    listed = client.get("/api/v1/escalations/").json()["results"]

    assert [(e["provider"], e["id"]) for e in listed] == [
        ("voicent", gateway.pk),
        ("globe", flows.pk),
    ]
    assert listed[0]["url"] == f"/api/v1/escalations/voicent/{gateway.pk}/"
    assert (listed[0]["message"], listed[0]["numbers"]) == ("Flood", [A, B])
    assert listed[0]["attempts"][0]["number"] == A
    shown = json.dumps(listed)
    assert "909090909" not in shown and "818181818" not in shown
    detail = client.get(listed[0]["url"]).json()
    assert detail["status"] == "running" and detail["provider_status"] == "running"
    only_globe = client.get("/api/v1/escalations/", {"provider": "globe"}).json()["results"]
    assert [e["id"] for e in only_globe] == [flows.pk]
    bad = client.get("/api/v1/escalations/", {"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]


def test_the_voicent_escalation_endpoints_are_deprecated_in_the_schema(tmp_path):
    path = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(path))
    schema = json.loads(path.read_text())

    for path in ("/api/v1/voicent/escalations/", "/api/v1/voicent/escalations/{id}/"):
        assert all(op.get("deprecated") for op in schema["paths"][path].values())
    assert schema["paths"]["/api/v1/calls/{id}/"]["get"]["deprecated"]
    assert not schema["paths"]["/api/v1/calls/"]["get"].get("deprecated")
    status = schema["components"]["schemas"]["CallStatusEnum"]["enum"]
    assert {"queued", "ringing", "in_progress", "completed", "failed"} <= set(status)


def simulate(admin_client, flow, **form):
    url = reverse("admin:voiceflows_voiceflow_simulate", args=[flow.pk])
    answer = admin_client.post(url, form) if form else admin_client.get(url)
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_simulator_shows_what_the_voicent_gateway_would_receive(admin_client, apps):
    gateway = apps["voicent"]

    notice = simulate(admin_client, gateway.voice_flows.get(slug="notice"), caller="09181234567")
    menu = simulate(admin_client, gateway.voice_flows.get(slug="menu"))

    assert (
        "callreqHandler.jsp" in notice and "&quot;phoneno&quot;: &quot;09181234567&quot;" in notice
    )
    assert "Your parcel is here." in notice and "simulator-transcript" not in notice
    assert "simulator-refused" in menu and "step &#x27;menu&#x27; is &#x27;ask&#x27;" in menu


def test_the_simulator_shows_the_hoiio_dial_and_the_first_block(admin_client, apps):
    html = simulate(admin_client, apps["hoiio"].voice_flows.get(slug="notice"))

    assert "simulator-refused" not in html and "ivr/start/dial" in html
    assert "&quot;kind&quot;: &quot;play&quot;" in html and "Hello" in html


def test_an_escalations_page_costs_the_same_queries_however_many(
    api, apps, django_assert_max_num_queries
):
    def one_of_each_escalation():
        start_escalation(app=apps["globe"], numbers=[A, B], confirmation_code="1", message="m")
        start_escalation(
            app=apps["voicent"],
            numbers=[A],
            confirmation_code="1",
            message="m",
            provider="voicent",
            audio_file=WAV,
            call_list=r"C:\lists\{number}.voc",
        )
        voicent.start_escalation(
            app=apps["voicent"],
            reason="r",
            contacts=[A, B],
            audio_file=WAV,
            confirm_code="1",
            call_list=r"C:\lists\{number}.voc",
        )

    client = api()
    one_of_each_escalation()
    with django_assert_max_num_queries(8) as few:
        assert len(client.get("/api/v1/escalations/").json()["results"]) == 3
    for _ in range(10):
        one_of_each_escalation()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/api/v1/escalations/", {"page_size": 30}).json()
    assert len(page["results"]) == 30 and page["next"]
    assert {e["provider"] for e in page["results"]} == {"globe", "voicent"}


def test_the_console_starts_a_flow_on_a_voicent_app_or_names_the_step_it_cannot_play(client, apps):
    from django.contrib.auth.models import Group, User

    from telecom.roles import OPERATORS

    olive = User.objects.create_user("olive", password="pw-123-XYZ", is_staff=True)
    olive.groups.add(Group.objects.get(name=OPERATORS))
    client.force_login(olive)
    url = reverse("admin:voiceflows_calltrigger_start")
    gateway = apps["voicent"]
    notice, menu = (gateway.voice_flows.get(slug=slug) for slug in ("notice", "menu"))

    refused = client.post(url, {"app": gateway.pk, "to": "09179990000", "flow": menu.pk})
    started = client.post(
        url,
        {"app": gateway.pk, "to": "09179990000", "flow": notice.pk, "variables": '{"name": "Bo"}'},
    )

    assert "step &#x27;menu&#x27; is &#x27;ask&#x27;" in refused.content.decode()
    assert started.status_code == 302, started.content.decode()[:2000]
    call = VoicentCall.objects.get()
    assert (call.source, call.flow) == ("admin", "notice")
    assert call.text == "Hello Bo. Your parcel is here."
