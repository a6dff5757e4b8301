"""The control API itself: registration, subscribers, grants, knobs, reset, what it refuses."""

import json

import pytest

from sandbox.client import SandboxControl, SandboxError, SandboxProcess
from tests.integration.sandbox.conftest import NUMBER, SHORTCODE


def test_health(sandbox):
    assert sandbox.health()["status"] == "ok"


def test_register_app_upserts_by_app_id(sandbox):
    created = sandbox.register_app(app_id="a1", app_secret="s1", shortcode="21581111")
    assert created["wallet_balance"] == "1000.00" and created["active"] is True

    updated = sandbox.register_app(app_id="a1", name="Renamed", promos={"LOAD 10": "9.50"})

    assert (updated["name"], updated["app_secret"], updated["shortcode"]) == (
        "Renamed",
        "s1",
        "21581111",
    )
    assert updated["promos"] == {"LOAD 10": "9.50"}
    assert [app["app_id"] for app in sandbox.apps()] == ["a1"]


@pytest.mark.parametrize(
    "fields",
    [
        {"app_secret": "s", "shortcode": "21581111"},  # no app_id
        {"app_id": "new", "shortcode": "21581111"},  # a new app needs its secret
        {"app_id": "new", "app_secret": "s", "shortcode": "12ab"},
        {"app_id": "new", "app_secret": "s", "shortcode": "21581111", "notify_uri": "ftp://x"},
        {"app_id": "new", "app_secret": "s", "shortcode": "21581111", "active": "yes"},
        {"app_id": "new", "app_secret": "s", "shortcode": "21581111", "colour": "red"},
        {"app_id": "new", "app_secret": "s", "shortcode": "21582222"},  # taken by "taken"
    ],
)
def test_register_app_refuses_what_cannot_be_stored(sandbox, fields):
    sandbox.register_app(app_id="taken", app_secret="s", shortcode="21582222")
    with pytest.raises(SandboxError) as refused:
        sandbox.register_app(**fields)
    assert refused.value.status == 400 and refused.value.body["error"]


def test_subscribers_upsert_by_number_in_any_form(sandbox):
    sandbox.add_subscriber("09171234567", balance="5", postpaid=True, brand="tm")
    updated = sandbox.add_subscriber("tel:+639171234567", balance="7.25")
    assert updated == {
        **updated,
        "number": "+639171234567",
        "balance": "7.25",
        "postpaid": True,
        "brand": "tm",
    }
    assert len(sandbox.subscribers()) == 1
    with pytest.raises(SandboxError):
        sandbox.add_subscriber("12345")


def test_grant_shortcut_and_listing(sandbox, app):
    granted = sandbox.grant(app["app_id"], "+639171234567")
    assert granted["subscriber_number"] == "9171234567" and granted["source"] == "control"
    assert sandbox.grants(number="09171234567") == [granted]


def test_bulk_grants_create_handsets_and_keep_live_tokens(sandbox, platform, app):
    kept = sandbox.grant(app["app_id"], "+639171234567")["access_token"]
    tokens = sandbox.grant_many(
        app["app_id"], ["09171234567", "+639171234568", "9171234569"], balance="7.50"
    )
    assert set(tokens) == {"+639171234567", "+639171234568", "+639171234569"}
    assert tokens["+639171234567"] == kept
    assert len(set(tokens.values())) == 3
    balances = {s["number"]: s["balance"] for s in sandbox.subscribers()}
    assert balances["+639171234568"] == "7.50"
    assert {g["number"] for g in sandbox.grants(app_id=app["app_id"])} == set(tokens)
    again = sandbox.grant_many(app["app_id"], ["+639171234568"])
    assert again == {"+639171234568": tokens["+639171234568"]}
    sent = platform.sms(
        tokens["+639171234569"],
        {"address": "tel:+639171234569", "outboundSMSTextMessage": {"message": "hi"}},
    )
    assert sent.status_code == 201


@pytest.mark.parametrize(
    "fields",
    [
        {"app_id": "nope", "numbers": ["09171234567"]},
        {"numbers": "09171234567"},
        {"numbers": []},
        {"numbers": ["12ab"]},
        {"numbers": ["09171234567"], "balance": "lots"},
    ],
)
def test_bulk_grants_refuse_what_cannot_be_granted(sandbox, app, fields):
    with pytest.raises(SandboxError) as refused:
        sandbox.grant_many(**{"app_id": app["app_id"], **fields})
    assert refused.value.status in (400, 404) and refused.value.body["error"]
    assert sandbox.grants() == []


def test_app_detail_shows_the_wallet_ledger(sandbox, platform, token, app):
    platform.sms(token, {"address": NUMBER, "outboundSMSTextMessage": {"message": "x" * 200}})
    platform.sms("bad-token", {"address": NUMBER, "outboundSMSTextMessage": {"message": "x"}})
    detail = sandbox.app(app["app_id"])
    assert detail["wallet_balance"] == "998.50"
    assert [(e["amount"], e["reason"].split()[0]) for e in detail["wallet"]] == [
        ("-1.00", "sms"),
        ("-0.50", "sms"),
    ]


def test_settings_change_and_refuse_nonsense(sandbox):
    knobs = sandbox.configure(ussd_session_timeout=5, prices={"sms": "0.75"})
    assert knobs["ussd_session_timeout"] == 5.0 and knobs["prices"]["sms"] == "0.75"
    for bad in ({"nope": 1}, {"prices": {"sms": "-1"}}, {"mo_part_order": "random"}):
        with pytest.raises(SandboxError) as refused:
            sandbox.configure(**bad)
        assert refused.value.status == 400
    assert sandbox.settings()["prices"]["sms"] == "0.75"


def test_reset_empties_the_sandbox_and_restores_the_knobs(sandbox, platform, token, app):
    sandbox.configure(wallet_min_interval=99)
    sandbox.set_fault("sms", status=503)
    sandbox.text(NUMBER, SHORTCODE, "Hello")

    assert sandbox.reset() == {"status": "reset", "seeded": []}

    assert sandbox.apps() == sandbox.subscribers() == sandbox.callbacks() == []
    assert sandbox.faults() == []
    assert sandbox.settings()["wallet_min_interval"] == 5.0
    assert platform.sms(token, {"address": NUMBER}).status_code == 401  # the token is gone


def test_handset_views(sandbox, app):
    with pytest.raises(SandboxError) as unknown:
        sandbox.handset("09998887777")
    assert unknown.value.status == 404
    assert sandbox.inbox("09998887777") == []
    sandbox.text(NUMBER, SHORTCODE, "INFO")
    state = sandbox.handset(NUMBER)
    assert [m["direction"] for m in state["messages"]] == ["sent", "received"]
    assert state["ussd"] is None and state["subscribed_to"] == []


def test_deliveries_filter_by_kind_is_checked(sandbox):
    with pytest.raises(SandboxError) as refused:
        sandbox.deliveries("fax")
    assert refused.value.status == 400


def test_control_routes_check_their_methods(sandbox):
    with pytest.raises(SandboxError) as refused:
        sandbox.call("DELETE", "/_sandbox/apps")
    assert refused.value.status == 405


def test_seeded_sandbox_registers_its_apps_at_start_and_after_each_reset(tmp_path):
    seed = tmp_path / "seed.json"
    registration = {"app_id": "seeded", "app_secret": "s", "shortcode": "21580001"}
    seed.write_text(json.dumps([{**registration, "subscribers": [{"number": NUMBER}]}]))
    with SandboxProcess(seed=seed) as process:
        control = SandboxControl(process.url)
        assert [app["app_id"] for app in control.apps()] == ["seeded"]
        assert [s["number"] for s in control.subscribers()] == ["+639171234567"]
        control.register_app(app_id="extra", app_secret="s", shortcode="21580002")

        assert control.reset()["seeded"] == ["seeded"]

        assert [app["app_id"] for app in control.apps()] == ["seeded"]
        assert control.reset(seed=False)["seeded"] == []
        assert control.apps() == []


def test_sandbox_with_a_broken_seed_does_not_start(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([{"app_id": "no-secret"}]))
    with pytest.raises(RuntimeError, match="app_secret is required"):
        SandboxProcess(seed=seed, startup_timeout=30).start()
