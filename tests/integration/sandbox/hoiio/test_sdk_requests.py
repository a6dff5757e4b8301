"""Fidelity: the published `hoiio` SDK's own requests against the Hoiio twin.

The SDK (hoiio 0.1.5, `pip download hoiio`) is Python 2 code and does not
import on Python 3, so its requests are rebuilt here from its source, call by
call: each `Sdk` method puts into `kwargs` exactly what the matching method
of `hoiio/service/*.py` does, and `Sdk.get` is its `Service.make_request`
(add `app_id` and `access_token`, prefix `dest` when it lacks a `+`, then
`requests.get(url, params=kwargs)` on `api_endpoint(...)`). Every call is a
GET with the credentials (and, for a fax, the whole document) in the query
string. Each answer is then read the way the SDK's `sanitize` reads it
(`txn_refs` split on commas, `date` and `expiry` parsed with its formats,
counts as int, money as float), so a field the SDK could not read fails here.

Where the SDK itself is broken (the tests below pin it down, so they fail if a
fixed SDK appears):
- `Response.__init__` iterates `response.json`, which is a method since
  requests 1.0: it raises `HoiioException` *after* the request went out, so a
  caller that retries on that exception sends the SMS or makes the call twice;
- `make_request` prints every parameter, the access token included;
- `e164_format` uses an undefined global `_Hoiio`, so any `dest` without `+`
  raises NameError (before sending); `Service.__init__` calls an undefined
  `setAuth`;
- `auto_extend_status` is read backwards ("disabled" becomes True);
- money is read as float; dates as naive datetimes in GMT+8;
- its guide's examples: `sms.send(dest, msg)` in the quick start where the
  method takes `(msg, dest)`; `history(from=...)` (a syntax error: `from` is
  a keyword); `foward_to` for `forward_to`; `ivr.monitor` where it means
  `ivr.hangup`; `Hoiio.user.balance` and `number.active_numbers`, which do
  not exist (`account.balance`, `number.subscribed_numbers`).
"""

import base64
from datetime import datetime

import pytest
import requests

from sandbox.client import wait_for
from tests.integration.sandbox.hoiio.conftest import APP_ID, TOKEN, A, B


class Sdk:
    """The SDK's requests, method by method, from hoiio/service/*.py."""

    def __init__(self, url: str):
        self.endpoint = f"{url}/hoiio/open/"  # HOIIO_API_ENDPOINT, pointed at the twin
        self.sent: list[str] = []
        self.session = requests.Session()  # requests.get, as the SDK calls it, minus the pool

    def get(self, *path: str, **kwargs) -> dict:
        kwargs["app_id"] = APP_ID
        kwargs["access_token"] = TOKEN
        # make_request would prefix a dest without "+" (and fail: see above);
        # every dest here is written with it.
        assert "dest" not in kwargs or kwargs["dest"].startswith("+")
        response = self.session.get(self.endpoint + "/".join(path), params=kwargs, timeout=10)
        self.sent.append(response.request.url)
        answer = response.json()
        return {key: sanitize(key, value) for key, value in answer.items()}

    # hoiio/service/sms.py
    def sms_send(self, msg, dest, **kwargs):
        kwargs["dest"] = dest
        kwargs["msg"] = msg
        return self.get("sms", "send", **kwargs)

    def sms_bulk_send(self, msg, *dests, **kwargs):
        kwargs["dest"] = ",".join(dests)
        kwargs["msg"] = msg
        return self.get("sms", "bulk_send", **kwargs)

    def sms_history(self, **kwargs):
        return self.get("sms", "get_history", **kwargs)

    def sms_rate(self, msg, dest, **kwargs):
        kwargs["dest"] = dest
        kwargs["msg"] = msg
        return self.get("sms", "get_rate", **kwargs)

    def sms_rate_in(self, dest, **kwargs):
        kwargs["incoming"] = dest
        return self.get("sms", "get_rate", **kwargs)

    def sms_status(self, txn_ref, **kwargs):
        kwargs["txn_ref"] = txn_ref
        return self.get("sms", "query_status", **kwargs)

    # hoiio/service/voice.py
    def voice_call(self, dest1, dest2, **kwargs):
        kwargs["dest1"] = dest1
        kwargs["dest2"] = dest2
        return self.get("voice", "call", **kwargs)

    def voice_conference(self, *dests, **kwargs):
        kwargs["dest"] = ",".join(dests)
        return self.get("voice", "conference", **kwargs)

    def voice_hangup(self, txn_ref, **kwargs):
        kwargs["txn_ref"] = txn_ref
        return self.get("voice", "hangup", **kwargs)

    def voice_history(self, **kwargs):
        return self.get("voice", "get_history", **kwargs)

    def voice_rate(self, dest1, dest2, **kwargs):
        kwargs["dest1"] = dest1
        kwargs["dest2"] = dest2
        return self.get("voice", "get_rate", **kwargs)

    def voice_status(self, txn_ref, **kwargs):
        kwargs["txn_ref"] = txn_ref
        return self.get("voice", "query_status", **kwargs)

    # hoiio/service/ivr.py (api_endpoint('ivr/start', 'dial') and so on)
    def ivr_dial(self, dest, **kwargs):
        kwargs["dest"] = dest
        return self.get("ivr/start", "dial", **kwargs)

    def ivr_play(self, session, msg, **kwargs):
        kwargs["session"] = session
        kwargs["msg"] = msg
        return self.get("ivr/middle", "play", **kwargs)

    def ivr_block(self, path, block, session, **kwargs):  # gather, record, monitor, hangup
        kwargs["session"] = session
        return self.get(path, block, **kwargs)

    def ivr_transfer(self, session, dest, **kwargs):
        kwargs["session"] = session
        kwargs["dest"] = dest
        return self.get("ivr/end", "transfer", **kwargs)

    # hoiio/service/fax.py (send reads the file and base64-encodes it)
    def fax_send(self, dest, data: bytes, **kwargs):
        kwargs["dest"] = dest
        kwargs["file"] = base64.b64encode(data).decode()
        return self.get("fax", "send", **kwargs)

    def fax_history(self, **kwargs):
        return self.get("fax", "get_history", **kwargs)

    def fax_rate(self, dest, **kwargs):
        kwargs["dest"] = dest
        return self.get("fax", "get_rate", **kwargs)

    def fax_rate_in(self, dest, **kwargs):
        kwargs["incoming"] = dest
        return self.get("fax", "get_rate", **kwargs)

    def fax_status(self, txn_ref, **kwargs):
        kwargs["txn_ref"] = txn_ref
        return self.get("fax", "query_status", **kwargs)

    # hoiio/service/number.py
    def available_countries(self, **kwargs):
        return self.get("number", "get_countries", **kwargs)

    def available_numbers(self, country, state=None, **kwargs):
        kwargs["country"] = country
        if state is not None:
            kwargs["state"] = state
        return self.get("number", "get_choices", **kwargs)

    def number_rate(self, country, **kwargs):
        kwargs["country"] = country
        return self.get("number", "get_rates", **kwargs)

    def subscribe(self, number, duration, **kwargs):
        kwargs["number"] = number
        kwargs["duration"] = duration
        return self.get("number", "subscribe", **kwargs)

    def configure(self, number, **kwargs):
        kwargs["number"] = number
        return self.get("number", "update_forwarding", **kwargs)

    def subscribed_numbers(self, **kwargs):
        return self.get("number", "get_active", **kwargs)

    # hoiio/service/account.py
    def balance(self, **kwargs):
        return self.get("user", "get_balance", **kwargs)

    def info(self, **kwargs):
        return self.get("user", "get_info", **kwargs)


def sanitize(key, value):
    """What the SDK's `sanitize` does with each answer field (raising where it would)."""
    if key == "txn_refs":
        return value.split(",")
    if key in ("date", "expiry"):
        fmt = "%Y-%m-%d" if key == "expiry" else "%Y-%m-%d %H:%M:%S"
        if "." in value and key != "expiry":
            fmt += ".%f"
        return datetime.strptime(value, fmt)
    if key in ("split_count", "duration", "talktime", "entries_count", "total_entries_count"):
        return int(value)
    if key in ("rate", "total_cost", "debit", "balance", "points", "bonus"):
        return float(value)
    if key == "auto_extend_status":
        return value == "disabled"  # sic
    if key == "entries":
        return [{k: sanitize(k, v) for k, v in entry.items()} for entry in value]
    return value


@pytest.fixture
def sdk(sandbox_process, account):
    return Sdk(sandbox_process.url)


def test_the_sdks_sms_requests(sandbox, sdk):
    sent = sdk.sms_send(
        "Hoiio World", A, sender_name="Citibank", tag="myapp", notify_url="http://127.0.0.1:9/"
    )
    assert sent["status"] == "success_ok" and sent["txn_ref"].startswith("AA-S-")
    bulk = sdk.sms_bulk_send("Hoiio World", A, B)
    assert bulk["bulk_txn_ref"].startswith("AA-B-")
    rate = sdk.sms_rate("Hoiio World", A)
    assert (rate["split_count"], rate["total_cost"]) == (1, 0.05)
    assert sdk.sms_rate_in(A)["rate"] == 0.01
    status = wait_for(
        lambda: (s := sdk.sms_status(sent["txn_ref"]))["sms_status"] != "queued" and s
    )
    assert status["sms_status"] == "delivered" and isinstance(status["date"], datetime)
    history = sdk.sms_history(page=1, **{"from": "2000-01-01 00:00:00"})
    assert history["total_entries_count"] == 3
    # The credentials travel in every URL the SDK sends.
    assert all(f"access_token={TOKEN}" in url for url in sdk.sent)
    [txn] = sandbox.hoiio_transactions(tag="myapp")
    assert txn["request"]["sender_name"] == "Citibank"


def test_the_sdks_voice_and_conference_requests(sandbox, sdk):
    call = sdk.voice_call(A, B, caller_id="private", max_duration=600, tag="myapp")
    wait_for(lambda: sdk.voice_status(call["txn_ref"])["call_status_dest2"] == "ongoing")
    assert sdk.voice_hangup(call["txn_ref"])["status"] == "success_ok"
    conference = sdk.voice_conference(A, B, "+639191234567")
    assert len(conference["txn_refs"]) == 3
    added = sdk.voice_conference("+639201234567", room=conference["room"])
    assert added["room"] == conference["room"] and len(added["txn_refs"]) == 1
    assert sdk.voice_rate(A, B)["talktime"] > 0
    history = sdk.voice_history()
    assert history["entries_count"] == 5 and isinstance(history["entries"][0]["date"], datetime)


def test_the_sdks_ivr_requests(sandbox, sdk):
    dialled = sdk.ivr_dial(
        A,
        msg="Hello. This is an automated message from Hoiio.",
        caller_id="+6531591000",
        max_duration="60",
        tag="myapp",
    )
    session = dialled["session"]
    wait_for(lambda: sandbox.hoiio_sessions()[0]["state"] == "ongoing")
    assert sdk.ivr_play(session, "Hello.", tag="myapp")["status"] == "success_ok"
    assert (
        sdk.ivr_block(
            "ivr/middle", "gather", session, msg="Press 1", max_digits=1, timeout=60, attempts=3
        )["status"]
        == "success_ok"
    )
    assert sdk.ivr_block("ivr/middle", "record", session, max_duration=60)["status"] == (
        "success_ok"
    )
    assert sdk.ivr_block("ivr/middle", "monitor", session)["status"] == "success_ok"
    assert sdk.ivr_transfer(session, B, on_failure="continue")["status"] == "success_ok"
    wait_for(lambda: sandbox.hoiio_sessions()[0]["state"] == "ended")
    blocks = [b["block"] for b in sandbox.hoiio_sessions()[0]["transcript"]]
    assert blocks == ["dial", "play", "gather", "record", "monitor", "transfer"]
    assert sdk.ivr_block("ivr/end", "hangup", session)["status"] == "error_invalid_session_param"


def test_the_sdks_fax_requests_put_the_document_in_the_url(sandbox, sdk):
    document = b"%PDF-1.4\n/Type /Page\n%%EOF"
    sent = sdk.fax_send(A, document, filename="awesome-file.pdf", caller_id="+6531591000")
    assert base64.b64encode(document).decode().rstrip("=") in sdk.sent[-1]
    status = wait_for(
        lambda: (s := sdk.fax_status(sent["txn_ref"]))["fax_status"] == "answered" and s
    )
    assert status["fax_pages"] == "1" and status["fax_url"].endswith(".pdf")
    assert sdk.fax_history(type="outgoing")["entries_count"] == 1
    assert sdk.fax_rate(A)["rate"] == 0.1 and sdk.fax_rate_in(A)["rate"] == 0.02


def test_the_sdks_number_and_account_requests(sandbox, sdk):
    countries = sdk.available_countries()["entries"]
    assert {c["code"] for c in countries} >= {"US", "SG"}
    offered = sdk.available_numbers("US", "AL", page=1)["entries"]
    number = offered[0]["number"]
    assert sdk.number_rate("US")["entries"][0]["rate"] == 4.0
    subscribed = sdk.subscribe(number, "auto_extend")
    assert isinstance(subscribed["expiry"], datetime) and subscribed["debit"] == 4.0
    sdk.configure(number, forward_to="http://my.server.com/myscript", mode="voice")
    [active] = sdk.subscribed_numbers()["entries"]
    assert active["forward_to"] == "http://my.server.com/myscript"
    assert active["auto_extend_status"] is False  # "enabled", read backwards by the SDK
    balance = sdk.balance()
    assert balance["balance"] == balance["points"] + balance["bonus"]
    assert sdk.info()["prefix"] == "+65"  # the SDK strips the "+" itself


def test_the_sdks_reading_of_an_answer_raises_after_the_request_went_out(sandbox, sdk):
    """`Response.__init__` does `for key in response.json`, a method on any
    requests since 1.0: the SDK raises although Hoiio sent the SMS."""
    response = sdk.session.get(
        sdk.endpoint + "sms/send",
        params={"dest": A, "msg": "once", "tag": "raised", "app_id": APP_ID, "access_token": TOKEN},
        timeout=10,
    )
    with pytest.raises(TypeError):
        iter(response.json)
    assert len(sandbox.hoiio_transactions(tag="raised")) == 1
