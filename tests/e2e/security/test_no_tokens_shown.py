"""No live token is shown: real traffic through the sandbox (Globe Labs: opt-in,
SMS, a charge, a reward, a USSD push, calls in and out; Hoiio: SMS, IVR, fax,
a number forwarded to Hatid), then every admin list and change page crawled as
a Viewer and as an Operator, and every GET of the partner API with a key
holding all scopes. None may contain a token value the sandbox holds.

The crawl is generic (every model registered in the admin, every GET path of
the OpenAPI schema), so models and endpoints added later are covered too.
"""

import base64
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import NoReverseMatch, reverse

from sandbox.client import wait_for
from telecom.api.scopes import SCOPES
from telecom.models import (
    ApiKey,
    Charge,
    Fax,
    HoiioNumber,
    IvrSession,
    Message,
    NumberConfiguration,
    Partner,
    Promo,
    Reward,
)
from telecom.roles import OPERATORS, VIEWERS
from telecom.services import fax as faxes
from telecom.services.charging import charge
from telecom.services.hoiio import ivr as hoiio_ivr
from telecom.services.hoiio import numbers as hoiio_numbers
from telecom.services.messaging import send_sms
from telecom.services.rewards import send_reward
from telecom.services.ussd import push_ussd
from tests.support.voice_flows import MENU_FLOW
from voiceflows.models import CallSession, CallTrigger
from voiceflows.services.outbound import start_call

pytestmark = pytest.mark.e2e

NUMBER, CALLED, HOIIO_DEST = "+639171234567", "09179990000", "+639181234567"
PDF = b"%PDF-1.4\n1 0 obj <</Type /Pages /Count 1>> endobj\n2 0 obj <</Type /Page>> endobj\n%%EOF\n"
TOKEN_IN_PATH = re.compile(r"/(?:callbacks/[a-z]+|voice)/([A-Za-z0-9_\-]{16,})/")
PER_MODEL = 100


def drive_globe_traffic(hatid):
    subscriber = hatid.opt_in(NUMBER)
    sms = send_sms(app=hatid.app, to=NUMBER, text="Your order has shipped")
    paid = charge(app=hatid.app, to=subscriber, amount="1.00", description="item")
    promo = Promo.objects.create(app=hatid.app, code="LOAD 50", wallet_cost=Decimal("50"))
    reward = send_reward(app=hatid.app, to=NUMBER, promo=promo)
    notice = push_ussd(app=hatid.app, to=NUMBER, text="Your parcel is here")
    flow = hatid.enable_voice(MENU_FLOW)
    hatid.sandbox.place_call("09171234567", hatid.app.shortcode)
    hatid.sandbox.press("09171234567", "2#")
    hatid.sandbox.press("09171234567", "#")
    trigger = start_call(app=hatid.app, to=CALLED, flow=flow)
    wait_for(
        lambda: (hatid.sandbox.voice_call(CALLED) or {}).get("state") == "ringing",
        what="the outbound call ringing",
    )
    hatid.sandbox.answer_call(CALLED)
    hatid.sandbox.stay_silent(CALLED)
    hatid.sandbox.stay_silent(CALLED)
    wait_for(lambda: Message.objects.filter(pk=sms.pk, status="sent").exists(), what="the SMS")
    wait_for(lambda: Charge.objects.filter(pk=paid.pk, status="charged").exists(), what="charge")
    wait_for(lambda: Reward.objects.filter(pk=reward.pk, status="succeeded").exists())
    wait_for(lambda: notice.exchanges.filter(status="sent").exists(), what="the USSD push")
    wait_for(lambda: CallTrigger.objects.filter(pk=trigger.pk, status="triggered").exists())
    wait_for(lambda: CallSession.objects.filter(status="completed").count() == 2, what="calls")


def drive_hoiio_traffic(sandbox, app):
    sms = send_sms(app=app, to=HOIIO_DEST, text="Hello through Hoiio")
    sandbox.phone(HOIIO_DEST, digits="1")
    ivr = hoiio_ivr.start_ivr(
        app=app,
        dest=HOIIO_DEST,
        greeting="Hello from Hatid.",
        steps=[
            {"kind": "gather", "msg": "Press 1.", "max_digits": 1, "name": "choice"},
            {"kind": "record", "msg": "Leave a note.", "max_duration": 30, "name": "note"},
            {"kind": "hangup", "msg": "Goodbye."},
        ],
    )
    fax = faxes.send_fax(app=app, dest=HOIIO_DEST, document=PDF, filename="invoice")
    offered = hoiio_numbers.numbers_on_offer(app, "SG").entries
    number = hoiio_numbers.subscribe_number(
        app=app, number=offered[0].number, duration="3", country="SG"
    )
    active = wait_for(lambda: HoiioNumber.objects.filter(pk=number.pk, status="active").first())
    change = hoiio_numbers.configure_number(number=active, mode="fax")
    wait_for(lambda: Message.objects.filter(pk=sms.pk, delivery_status="delivered").exists())
    wait_for(lambda: IvrSession.objects.filter(pk=ivr.pk, status="completed").exists(), timeout=20)
    wait_for(lambda: Fax.objects.filter(pk=fax.pk, status="answered").exists(), what="the fax")
    wait_for(lambda: NumberConfiguration.objects.filter(pk=change.pk, status="done").exists())
    sandbox.hoiio_incoming_fax(active.number, NUMBER, base64.b64encode(PDF).decode())
    wait_for(lambda: Fax.objects.filter(direction="in", status="received").exists())


def sandbox_secrets(sandbox, hoiio_app) -> set[str]:
    """Every token value the sandbox holds for the apps and subscribers."""
    values: set[str] = set()
    for app in sandbox.apps():
        values |= {app[name] for name in ("app_secret", "passphrase", "rewards_token")}
        values.add(app["voice_token"])
        for name in ("redirect_uri", "notify_uri", "ussd_notify_uri", "rewards_uri", "voice_uri"):
            values |= set(TOKEN_IN_PATH.findall(app[name] or ""))
    values |= {grant["access_token"] for grant in sandbox.grants()}
    values.add(sandbox.hoiio_account_detail(hoiio_app.app_id)["access_token"])
    for number in sandbox.hoiio_numbers():
        values |= set(TOKEN_IN_PATH.findall(number["forward_to"] + number["forward_sms_to"]))
    return {value for value in values if value and len(value) >= 8}


def shown_text(answer) -> str:
    """What an answer shows, streamed or not; a ZIP (an access request) member by member."""
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    if answer.get("Content-Type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(archive.read(name) for name in archive.namelist())
    return body.decode(errors="replace")


def leaked(text: str, secrets: set[str]) -> list[str]:
    return sorted(secret for secret in secrets if secret in text)


def staff_client(name: str, group: str) -> Client:
    user = User.objects.create_user(name, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def admin_pages():
    """The changelist of every registered model and the change page of its rows."""
    for model in admin.site._registry:
        opts = model._meta
        try:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        for pk in model._default_manager.order_by("-pk").values_list("pk", flat=True)[:PER_MODEL]:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


def crawl_admin(client: Client, secrets: set[str]) -> tuple[int, dict[str, list[str]]]:
    shown, found = 0, {}
    for url in admin_pages():
        page = client.get(url)
        assert page.status_code in (200, 302, 403), (url, page.status_code)
        if page.status_code == 200:
            shown += 1
            if hits := leaked(shown_text(page), secrets):
                found[url] = hits
    return shown, found


def api_paths(client: Client, headers: dict) -> list[str]:
    """Every GET path of the OpenAPI schema, {id} filled from its list's answer."""
    schema = client.get("/api/schema/", {"format": "json"}, **headers).json()
    paths = [p for p, operations in schema["paths"].items() if "get" in operations]
    ids: dict[str, list] = {}
    for path in sorted(p for p in paths if "{" not in p):
        answer = client.get(path, **headers)
        if answer.status_code == 200 and isinstance(answer.json(), dict):
            ids[path] = [row["id"] for row in answer.json().get("results", []) if "id" in row]
    urls = []
    for path in paths:
        if "{" not in path:
            urls.append(path)
            continue
        listing, _, _rest = path.partition("{")
        for pk in ids.get(listing, [])[:PER_MODEL]:
            urls.append(re.sub(r"\{[^}]+\}", str(pk), path))
    return urls


def test_no_page_nor_api_answer_shows_a_token(hatid, hoiio_app, celery_worker):
    drive_globe_traffic(hatid)
    drive_hoiio_traffic(hatid.sandbox, hoiio_app)
    secrets = sandbox_secrets(hatid.sandbox, hoiio_app)
    assert len(secrets) >= 7  # access token, secrets, callback tokens, voice token...

    for name, group in (("victor", VIEWERS), ("olive", OPERATORS)):
        shown, found = crawl_admin(staff_client(name, group), secrets)
        assert shown > 2 * len(admin.site._registry) // 3, f"{group} saw too few pages"
        assert found == {}, f"tokens shown to {group}"

    partner = Partner.objects.create(name="Crawler")
    partner.apps.add(hatid.app, hoiio_app)
    _, key = ApiKey.generate(partner=partner, scopes=list(SCOPES))
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    client = Client()
    found, answered = {}, 0
    for url in api_paths(client, headers):
        answer = client.get(url, **headers)
        assert answer.status_code < 500, (url, answer.status_code)
        answered += answer.status_code == 200
        if hits := leaked(shown_text(answer), secrets):
            found[url] = hits
    assert answered > 20
    assert found == {}, "tokens in API answers"
