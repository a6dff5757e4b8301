"""The Voicent gateway twin over real HTTP, driven with exactly the form
fields the published SDK's `postToGateway` sends."""

import re

import pytest
import requests

from sandbox.client import wait_for

A, B, C = "+639171234567", "+639181234567", "+639191234567"
VCAST = r"C:\Program Files\Voicent\BroadcastByPhone\bin\vcast.exe"
LIST = r"C:\My calllist\escalation.voc"


class Gateway:
    def __init__(self, url):
        self.url = f"{url}/voicent/ocall/"
        self.session = requests.Session()

    def post(self, handler: str, **params) -> str:
        response = self.session.post(self.url + handler, data=params, timeout=10)
        assert response.status_code == 200
        return response.text

    def call_text(self, phoneno="09171234567", text="Hello", selfdelete="0") -> str:
        page = self.post(
            "callreqHandler.jsp",
            info="simple text call",
            phoneno=phoneno,
            firstocc=10,
            txt=text,
            selfdelete=selfdelete,
        )
        return re.search(r"\[ReqId=([^\]]*)\]", page).group(1)

    def status(self, req_id: str) -> str:
        page = self.post("callstatusHandler.jsp", reqid=req_id)
        for marker in ("made", "failed", "retry"):
            if f"^{marker}^" in page:
                return marker
        return ""


@pytest.fixture
def gateway(sandbox, sandbox_process):
    sandbox.configure(voicent_progress_delay=0.05)
    return Gateway(sandbox_process.url)


def test_a_text_call_is_made_and_its_status_says_so(sandbox, gateway):
    req_id = gateway.call_text(text="Hello, how are you doing")
    wait_for(lambda: gateway.status(req_id) == "made")
    [request] = sandbox.voicent_requests(req_id=req_id)
    assert (request["kind"], request["txt"], request["calls"][0]["number"]) == (
        "text",
        "Hello, how are you doing",
        A,
    )


def test_an_audio_call(sandbox, gateway):
    page = gateway.post(
        "callreqHandler.jsp",
        info="simple audio call",
        phoneno="09171234567",
        firstocc=10,
        audiofile=r"C:\my audios\hello.wav",
        selfdelete=0,
    )
    req_id = re.search(r"\[ReqId=([^\]]*)\]", page).group(1)
    wait_for(lambda: gateway.status(req_id) == "made")
    assert sandbox.voicent_requests(req_id=req_id)[0]["audiofile"] == r"C:\my audios\hello.wav"


def test_a_busy_number_is_retried_then_fails(sandbox, gateway):
    sandbox.configure(voicent_progress_delay=0.3)
    sandbox.phone(A, call="busy")
    req_id = gateway.call_text()
    wait_for(lambda: gateway.status(req_id) == "retry")
    wait_for(lambda: gateway.status(req_id) == "failed")
    assert sandbox.voicent_requests(req_id=req_id)[0]["attempts"] == 3


def test_a_removed_request_is_no_longer_known(sandbox, gateway):
    sandbox.configure(voicent_progress_delay=5.0)
    req_id = gateway.call_text()
    gateway.post("callremoveHandler.jsp", reqid=req_id)
    assert gateway.status(req_id) == ""
    [request] = sandbox.voicent_requests(req_id=req_id)
    assert request["removed"] and request["attempts"] == 0  # removed before it was made


def test_selfdelete_removes_the_request_once_made(sandbox, gateway):
    req_id = gateway.call_text(selfdelete="1")
    wait_for(lambda: sandbox.voicent_requests(req_id=req_id)[0]["removed"])
    assert sandbox.voicent_requests(req_id=req_id)[0]["status"] == "made"
    assert gateway.status(req_id) == ""


def test_a_request_without_a_number_gets_no_request_id(sandbox, gateway):
    page = gateway.post("callreqHandler.jsp", info="simple text call", txt="x")
    assert "ReqId" not in page
    assert sandbox.voicent_requests() == []


def till_confirm(gateway, code="911911", call_list=LIST) -> str:
    page = gateway.post(
        "callreqHandler.jsp",
        info="Simple Call till Confirm",
        phoneno="1111111",
        firstocc=10,
        selfdelete=0,
        startexec=VCAST,
        cmdline=f'"{call_list}" -startnow -confirmcode {code} '
        r'-wavfile "C:\My calllist\escalation.wav"',
    )
    return re.search(r"\[ReqId=([^\]]*)\]", page).group(1)


def test_call_till_confirm_calls_the_list_until_someone_keys_the_code(sandbox, gateway):
    sandbox.voicent_call_list(LIST, [A, B, C])
    sandbox.phone(A, call="unanswered")
    sandbox.phone(B, digits="000")
    sandbox.phone(C, digits="911911")
    req_id = till_confirm(gateway)
    wait_for(lambda: gateway.status(req_id) == "made")
    [request] = sandbox.voicent_requests(req_id=req_id)
    assert request["confirmed_by"] == C and request["call_list"] == LIST
    assert [c["number"] for c in request["calls"]] == [A, B, C]


def test_call_till_confirm_fails_after_its_rounds_without_a_confirmation(sandbox, gateway):
    sandbox.voicent_call_list(LIST, [A, B])
    sandbox.phone(A, digits="1")
    sandbox.phone(B, digits="2")
    req_id = till_confirm(gateway)
    wait_for(lambda: gateway.status(req_id) == "failed")
    assert len(sandbox.voicent_requests(req_id=req_id)[0]["calls"]) == 4  # two rounds


def test_call_till_confirm_with_a_list_missing_from_the_host_fails(gateway):
    req_id = till_confirm(gateway, call_list=r"C:\nowhere.voc")
    wait_for(lambda: gateway.status(req_id) == "failed")


def test_a_timeout_after_apply_leaves_the_call_scheduled(sandbox, gateway):
    sandbox.set_fault("voicent", after_apply="timeout", hold_seconds=1.0, times=1)
    with pytest.raises(requests.ReadTimeout):
        gateway.session.post(
            gateway.url + "callreqHandler.jsp",
            data={"phoneno": "09171234567", "txt": "x"},
            timeout=0.5,
        )
    wait_for(lambda: [r["status"] for r in sandbox.voicent_requests()] == ["made"])


def test_a_fault_status_answers_an_error_page_and_schedules_nothing(sandbox, gateway):
    sandbox.set_fault("voicent", status=500, times=1)
    response = gateway.session.post(
        gateway.url + "callreqHandler.jsp", data={"phoneno": "1", "txt": "x"}, timeout=5
    )
    assert response.status_code == 500
    assert sandbox.voicent_requests() == []
