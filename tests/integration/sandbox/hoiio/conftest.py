"""What the Hoiio twin's tests share: an account, and `HoiioApi`, a plain HTTP
client of `/hoiio/open/...` as any app would call it (form POSTs)."""

from urllib.parse import parse_qsl

import pytest
import requests

APP_ID, TOKEN = "AP-hatid-1", "tok-5f4e3d2c1b0a"
CREDENTIALS = {"app_id": APP_ID, "access_token": TOKEN}
A, B, C = "+639171234567", "+639181234567", "+639191234567"


class HoiioApi:
    def __init__(self, url: str):
        self.url = f"{url}/hoiio/open/"
        self.session = requests.Session()

    def post(self, path: str, credentials: dict | None = None, **params) -> dict:
        data = {**(CREDENTIALS if credentials is None else credentials), **params}
        response = self.session.post(self.url + path, data=data, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, path: str, **params) -> dict:
        answer = self.post(path, **params)
        assert answer["status"] == "success_ok", answer
        return answer


def form(received) -> dict:
    """The form body the twin posted to the app server."""
    return dict(parse_qsl(received.body if isinstance(received.body, str) else ""))


@pytest.fixture
def account(sandbox):
    return sandbox.hoiio_account(APP_ID, access_token=TOKEN, mobile_number="+639170000001")


@pytest.fixture
def hoiio(sandbox_process, account):
    return HoiioApi(sandbox_process.url)
