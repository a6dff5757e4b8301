"""`bootstrap_demo`: what `make run` creates and prints."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from telecom.models import ProviderApp

pytestmark = pytest.mark.django_db


def test_bootstrap_demo_creates_a_working_login_and_app_once():
    out = io.StringIO()
    call_command("bootstrap_demo", stdout=out)
    login_line = next(line for line in out.getvalue().splitlines() if "Login:" in line)
    username, password = login_line.split(":", 1)[1].strip().split(" / ")
    # As the login page asks (the lockouts' backend needs the request).
    request = RequestFactory().post("/admin/login/")
    user = authenticate(request, username=username, password=password)
    assert user is not None and user.is_staff
    assert user.groups.filter(name="Operators").exists()

    call_command("bootstrap_demo", stdout=io.StringIO())
    app = ProviderApp.objects.get(provider="globe")
    assert app.shortcode == "21580001" and app.app_secret
    hoiio = ProviderApp.objects.get(provider="hoiio")
    voicent = ProviderApp.objects.get(provider="voicent")
    assert hoiio.access_token and voicent.gateway_path_prefix == "/voicent"
    assert ProviderApp.objects.count() == 3
    assert authenticate(request, username=username, password=password) is None  # a fresh one


def test_bootstrap_demo_gives_the_app_a_live_menu_promos_and_a_keyword():
    from telecom.models import KeywordRule, Promo, UssdMenu
    from telecom.ussd import engine

    call_command("bootstrap_demo", stdout=io.StringIO())
    call_command("bootstrap_demo", stdout=io.StringIO())
    menu = UssdMenu.objects.get(is_live=True)
    step = engine.start(engine.MenuSpec.load(menu), ["1", "Ana"])
    assert step.flash and "Thanks Ana" in step.reply
    assert set(Promo.objects.values_list("code", flat=True)) == {"LOAD 10", "LOAD 50", "FREE10MB"}
    assert KeywordRule.objects.get().keyword == "HELLO"


def test_bootstrap_demo_gives_the_hoiio_app_a_number_answered_by_the_demo_flow():
    from voiceflows.models import VoiceSettings
    from voiceflows.services.hoiio_calls import hoiio_problems

    call_command("bootstrap_demo", stdout=io.StringIO())
    call_command("bootstrap_demo", stdout=io.StringIO())
    hoiio = ProviderApp.objects.get(provider="hoiio")
    number = hoiio.hoiio_numbers.get()
    assert (number.status, number.mode) == ("active", "voice")
    assert number.forward_to and number.forward_sms_to
    flow = VoiceSettings.objects.get(app=hoiio).default_flow
    assert flow.slug == "demo" and hoiio_problems(flow) == []
