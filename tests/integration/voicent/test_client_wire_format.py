"""The Voicent client's exact wire format: the form bodies the published SDK's
`postToGateway` sends, to the paths it sends them to, and the reading of the
gateway's text pages (tests/fixtures/voicent/, shaped as the SDK parses
them: `[ReqId=...]`, `^made^`, `^failed^`, `^retry^`)."""

from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import responses

from telecom.errors import OutcomeUnknown, PermanentError, ProviderConfigurationError
from telecom.models import OutboundCall
from telecom.voicent import CallState, VoicentClient
from telecom.voicent.client import dial_string
from tests.support.factories import VoicentAppFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "voicent"
GATEWAY = "http://gateway.test:8155/ocall"

pytestmark = pytest.mark.django_db


def page(name: str) -> str:
    return (FIXTURES / name).read_text()


def form(call) -> dict:
    return dict(parse_qsl(call.request.body, keep_blank_values=True))


@pytest.fixture
def voicent():
    return VoicentClient(VoicentAppFactory(gateway_host="gateway.test", gateway_port=None))


@responses.activate
def test_call_text_posts_the_sdks_form_and_reads_the_request_id(voicent):
    responses.post(f"{GATEWAY}/callreqHandler.jsp", body=page("callreq_accepted.txt"))
    req_id = voicent.call_text(
        phone="09171234567", text="Hello, how are you doing", selfdelete=False
    )
    assert req_id == "11234035434"
    call = responses.calls[0]
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(call) == {
        "info": "simple text call",
        "phoneno": "09171234567",
        "firstocc": "10",
        "txt": "Hello, how are you doing",
        "selfdelete": "0",
    }


@responses.activate
def test_call_audio_sends_the_file_on_the_gateways_host(voicent):
    responses.post(f"{GATEWAY}/callreqHandler.jsp", body=page("callreq_accepted.txt"))
    voicent.call_audio(phone="+639171234567", audiofile=r"C:\my audios\hello.wav", selfdelete=True)
    assert form(responses.calls[0]) == {
        "info": "simple audio call",
        "phoneno": "09171234567",
        "firstocc": "10",
        "audiofile": r"C:\my audios\hello.wav",
        "selfdelete": "1",
    }


@responses.activate
@pytest.mark.parametrize(
    ("fixture", "state"),
    [
        ("status_made.txt", CallState.MADE),
        ("status_failed.txt", CallState.FAILED),
        ("status_retry.txt", CallState.RETRY),
        ("status_in_progress.txt", CallState.IN_PROGRESS),
    ],
)
def test_call_status_reads_the_markers(voicent, fixture, state):
    responses.post(f"{GATEWAY}/callstatusHandler.jsp", body=page(fixture))
    assert voicent.call_status(req_id="11234035434").state == state
    assert form(responses.calls[0]) == {"reqid": "11234035434"}


@responses.activate
def test_call_remove(voicent):
    responses.post(f"{GATEWAY}/callremoveHandler.jsp", body="")
    voicent.call_remove(req_id="11234035434")
    assert form(responses.calls[0]) == {"reqid": "11234035434"}
    assert OutboundCall.objects.get().correlation == "11234035434"


@responses.activate
def test_call_till_confirm_builds_the_vcast_command_line_as_the_sdk_does(voicent):
    responses.post(f"{GATEWAY}/callreqHandler.jsp", body=page("callreq_accepted.txt"))
    req_id = voicent.call_till_confirm(
        vcast_program=r"C:\Program Files\Voicent\BroadcastByPhone\bin\vcast.exe",
        call_list=r"C:\My calllist\escalation.voc",
        wavfile=r"C:\My calllist\escalation.wav",
        confirm_code="911911",
    )
    assert req_id == "11234035434"  # the SDK throws it away; Hatid keeps it
    assert form(responses.calls[0]) == {
        "info": "Simple Call till Confirm",
        "phoneno": "1111111",
        "firstocc": "10",
        "selfdelete": "0",
        "startexec": r"C:\Program Files\Voicent\BroadcastByPhone\bin\vcast.exe",
        "cmdline": r'"C:\My calllist\escalation.voc" -startnow -confirmcode 911911 '
        r'-wavfile "C:\My calllist\escalation.wav"',
    }


@responses.activate
def test_a_page_without_a_request_id_is_refused(voicent):
    responses.post(f"{GATEWAY}/callreqHandler.jsp", body=page("callreq_refused.txt"))
    with pytest.raises(PermanentError):
        voicent.call_text(phone="+639171234567", text="hi", selfdelete=False)
    assert OutboundCall.objects.get().outcome == OutboundCall.Outcome.PERMANENT


@responses.activate
@pytest.mark.parametrize(("status", "body"), [(500, "JSP error"), (200, "")])
def test_a_gateway_error_or_an_empty_answer_is_an_unknown_outcome(voicent, status, body):
    responses.post(f"{GATEWAY}/callreqHandler.jsp", body=body, status=status)
    with pytest.raises(OutcomeUnknown):
        voicent.call_text(phone="+639171234567", text="hi", selfdelete=False)


def test_the_gateway_address_comes_from_the_app_with_the_sdks_default_port():
    app = VoicentAppFactory(gateway_host="10.0.0.5", gateway_port=None, gateway_path_prefix="/v/")
    assert VoicentClient(app).base_url() == "http://10.0.0.5:8155/v/ocall"
    with pytest.raises(ProviderConfigurationError):
        VoicentClient(VoicentAppFactory(gateway_host="")).base_url()


def test_numbers_are_dialled_nationally_at_home_and_with_the_country_code_abroad():
    assert dial_string("+639171234567") == "09171234567"
    assert dial_string("+6591234567") == "+6591234567"
