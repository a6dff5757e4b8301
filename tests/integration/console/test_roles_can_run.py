"""Who may run what in the console: every admin action of every ModelAdmin and
every page added through `get_urls`, for a Viewer, an Operator and a superuser.

Viewers only look (docs/features.md, Roles): no action is theirs, since each one writes or
calls a provider (a status, a price or the wallet asked now is an OutboundCall
row, and what the provider answers is stored). A new action or page must be
added to the tables here, with who may use it."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from telecom.models import OutboundCall, ProviderApp, WalletSnapshot
from telecom.roles import OPERATORS, VIEWERS, operator_permission_names
from tests.integration.console.test_admin_and_roles import staff
from tests.support.factories import HoiioAppFactory

pytestmark = pytest.mark.django_db

OPERATOR, SUPERUSER = "operator", "superuser"

# Every action but `delete_selected`, and the least role that runs it.
ACTIONS = {
    ("telecom.CallbackEvent", "rerun"): OPERATOR,
    ("telecom.Message", "retry"): OPERATOR,
    ("telecom.Message", "cancel"): OPERATOR,
    ("telecom.Message", "ask_provider"): OPERATOR,
    ("telecom.Message", "settle_sent"): OPERATOR,
    ("telecom.Message", "settle_unsent"): OPERATOR,
    ("telecom.WebhookDelivery", "retry"): OPERATOR,
    ("telecom.Charge", "mark_charged"): OPERATOR,
    ("telecom.Charge", "mark_failed"): OPERATOR,
    ("telecom.Reward", "mark_delivered"): OPERATOR,
    ("telecom.Reward", "mark_failed"): OPERATOR,
    ("telecom.ProviderApp", "reconcile"): OPERATOR,
    ("telecom.ProviderApp", "read_wallet"): OPERATOR,
    ("telecom.ProviderApp", "ask_hoiio"): OPERATOR,
    ("telecom.ProviderApp", "sync_numbers"): OPERATOR,
    ("telecom.ProviderApp", "hoiio_account"): OPERATOR,
    ("telecom.Partner", "rotate_webhook_secret"): SUPERUSER,
    ("telecom.ApiKey", "revoke"): SUPERUSER,
    ("telecom.VoiceCall", "hang_up"): OPERATOR,
    ("telecom.VoiceCall", "look_up"): OPERATOR,
    ("telecom.VoiceCall", "rate"): OPERATOR,
    ("telecom.ConferenceRoom", "close"): OPERATOR,
    ("telecom.Fax", "look_up"): OPERATOR,
    ("telecom.Fax", "rate"): OPERATOR,
    ("telecom.HoiioNumber", "forward_calls"): OPERATOR,
    ("telecom.HoiioNumber", "forward_faxes"): OPERATOR,
    ("telecom.HoiioNumber", "sync"): OPERATOR,
    ("telecom.HoiioNumber", "receiving_rates"): OPERATOR,
    ("telecom.VoicentCall", "remove"): OPERATOR,
    ("telecom.VoicentCall", "poll"): OPERATOR,
    ("telecom.VoicentEscalation", "cancel"): OPERATOR,
    ("subscribers.Subscriber", "tag"): OPERATOR,
    ("subscribers.Subscriber", "export_csv"): OPERATOR,
    ("subscribers.Subscriber", "locate"): OPERATOR,
    ("subscribers.Subscriber", "balance"): OPERATOR,
    ("subscribers.Subscriber", "charging_optin"): OPERATOR,
    ("subscribers.Subscriber", "charge"): OPERATOR,
    ("subscribers.Subscriber", "reward"): OPERATOR,
    ("subscribers.Subscriber", "push_ussd"): OPERATOR,
    ("subscribers.Subscriber", "unsubscribe"): OPERATOR,
    ("subscribers.Subscriber", "resubscribe"): OPERATOR,
    ("subscribers.Subscriber", "erase"): OPERATOR,
    ("subscribers.Subscriber", "access_request"): OPERATOR,
    ("voiceflows.CallTrigger", "mark_started"): OPERATOR,
    ("voiceflows.CallTrigger", "mark_not_started"): OPERATOR,
    ("voiceflows.CallCampaign", "start_calling"): OPERATOR,
    ("voiceflows.Escalation", "cancel"): OPERATOR,
    **{
        (label, "export_csv"): OPERATOR
        for label in (
            "telecom.Message",
            "telecom.Charge",
            "telecom.Reward",
            "telecom.UssdSession",
            "telecom.VoiceCall",
            "telecom.VoicentCall",
            "telecom.AuditEvent",
            "voiceflows.CallSession",
        )
    },
    ("axes.AccessAttempt", "cleanup_expired_attempts"): SUPERUSER,  # login lockouts
    # django-celery-beat's: running a periodic task now is an administrator's.
    **{
        ("django_celery_beat.PeriodicTask", name): SUPERUSER
        for name in ("enable_tasks", "disable_tasks", "toggle_tasks", "run_tasks")
    },
    **{
        (f"telecom.{model}", name): OPERATOR
        for model in ("VoiceCall", "Fax", "HoiioNumber", "VoicentCall")
        for name in ("retry", "settle_done", "settle_failed")
    },
}

# Pages added through get_urls: those that only show something, and those that
# write or call a provider (a Viewer is refused those, whatever the method).
LOOK_PAGES = {
    "telecom_campaign_progress",
    "telecom_fax_document",
    "telecom_message_measure",  # counts characters and parts, in Python
    "telecom_message_conversation",
    "telecom_messagetemplate_preview",  # a template filled for a subscriber, read only
    "telecom_ussdmenu_preview",  # the menu engine without side effects
    "voiceflows_voiceflow_preview",  # a step's Tropo JSON
    "voiceflows_voiceflow_simulate",  # the flow engine without side effects
}
ACT_PAGES = {
    "auth_user_password_change",
    "telecom_providerapp_rotate_callback_token",  # with a grace period, on its own page
    "telecom_campaign_control",
    "telecom_conferenceroom_participant",
    "telecom_message_compose",
    "telecom_message_rate",  # asks Hoiio
    "subscribers_subscriberimport_apply",
    "subscribers_subscriberimport_resume",
    "voiceflows_calltrigger_start",
    "voiceflows_escalation_start",
}


def superuser_request():
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return request


def every_action():
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.get_actions(superuser_request()):
            yield model._meta.label, name


def deletes(label: str) -> str:
    app_label, model = label.split(".")
    wanted = f"{app_label}.delete_{model.lower()}"
    return OPERATOR if wanted in operator_permission_names() else SUPERUSER


def expected(label: str, name: str) -> str:
    return deletes(label) if name == "delete_selected" else ACTIONS[(label, name)]


def runnable(user) -> set[tuple[str, str]]:
    """What Django's changelist lets `user` run: the page, then the action's permissions."""
    request = RequestFactory().get("/")
    request.user = user
    return {
        (model._meta.label, name)
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_view_or_change_permission(request)
        for name in model_admin.get_actions(request)
    }


def added_pages():
    """(url name, path with sample arguments) of every page a ModelAdmin adds."""
    for model_admin in admin.site._registry.values():
        standard = {p.name for p in admin.ModelAdmin.get_urls(model_admin)}
        prefix = f"/admin/{model_admin.opts.app_label}/{model_admin.opts.model_name}/"
        for pattern in model_admin.get_urls():
            if pattern.name not in standard:
                route = re.sub(r"<(int:)?\w+>", "1", str(pattern.pattern))
                yield pattern.name, prefix + route.replace("<str:action>", "pause")


def test_every_action_is_classified():
    assert {key for key in every_action() if key[1] != "delete_selected"} == ACTIONS.keys()


def test_a_viewer_can_run_no_action():
    assert runnable(staff("victor", VIEWERS)) == set()


def test_an_operator_runs_the_operators_actions_and_no_more():
    operator = staff("olive", OPERATORS)
    assert runnable(operator) == {key for key in every_action() if expected(*key) == OPERATOR}


def test_a_superuser_runs_every_action():
    root = User.objects.create_superuser("root", password="pw-123-XYZ")
    assert runnable(root) == set(every_action())


def test_a_viewer_posting_any_action_runs_nothing():
    """Each action posted as Django's changelist dispatches it (`response_action`)."""
    viewer = staff("victor", VIEWERS)
    app = HoiioAppFactory()
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.get_actions(superuser_request()):
            request = RequestFactory().post("/", {"action": name, "_selected_action": [app.pk]})
            request.user = viewer
            request.session = {}
            request._messages = FallbackStorage(request)
            if not model_admin.has_view_or_change_permission(request):
                continue  # the changelist itself is refused (403)
            queryset = model_admin.get_queryset(request)
            assert model_admin.response_action(request, queryset) is None, (model, name)
            assert [str(m) for m in request._messages] == ["No action selected."], (model, name)
    assert not OutboundCall.objects.exists()
    assert not WalletSnapshot.objects.exists()
    assert ProviderApp.objects.get().callback_token_digest == app.callback_token_digest


def run_on_app(client, action, app):
    return client.post(
        reverse("admin:telecom_providerapp_changelist"),
        {"action": action, "_selected_action": [app.pk]},
        follow=True,
    )


@pytest.fixture
def hoiio_app(sandbox):
    app = HoiioAppFactory()
    sandbox.hoiio_account(app.app_id, access_token=app.access_token.reveal(), points="10.00")
    return app


def test_provider_app_actions_are_an_operators_against_the_sandbox(client, hoiio_app):
    """The report's case: as a Viewer these ran, and the wallet read wrote a row."""
    client.force_login(staff("victor", VIEWERS))
    for action in ("read_wallet", "ask_hoiio", "sync_numbers", "hoiio_account", "reconcile"):
        run_on_app(client, action, hoiio_app)
    assert not OutboundCall.objects.exists()
    assert not WalletSnapshot.objects.exists()

    client.force_login(staff("olive", OPERATORS))
    response = run_on_app(client, "read_wallet", hoiio_app)
    assert "SGD 10.00" in response.content.decode()
    assert WalletSnapshot.objects.filter(app=hoiio_app).count() == 1
    run_on_app(client, "hoiio_account", hoiio_app)
    assert OutboundCall.objects.filter(app=hoiio_app).count() == 2


def test_every_added_page_is_classified():
    assert {name for name, _ in added_pages()} == LOOK_PAGES | ACT_PAGES


@pytest.mark.parametrize(("name", "path"), sorted(added_pages()))
def test_a_viewer_is_refused_every_page_that_acts(client, name, path):
    client.force_login(staff("victor", VIEWERS))
    for method in (client.get, client.post):
        status = method(path).status_code
        if name in ACT_PAGES:
            assert status == 403, (method.__name__, path)
        else:
            assert status != 403, (method.__name__, path)  # 200, or 404/405 for the sample


def test_a_viewer_is_refused_every_add_page_before_anything_is_asked(client, sandbox, hoiio_app):
    """Renting a number shows Hoiio's offers: asked of Hoiio only for someone who may rent."""
    client.force_login(staff("victor", VIEWERS))
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        response = client.get(url, {"app": hoiio_app.pk, "country": "SG"})
        assert response.status_code == 403, url
    assert not OutboundCall.objects.exists()
    assert ProviderApp.objects.count() == 1
