"""The sandbox's client: run it in a subprocess, and drive it: `SandboxProcess`, `SandboxControl`.

Used by the test suite and by the benchmarks (bench/), which share it rather
than one importing the other's helpers; it speaks to the sandbox only over
HTTP, like Hatid, and imports nothing of Hatid's.

`SandboxProcess` starts `manage.py globe_sandbox` as a subprocess on a free
port, with its own temporary HATID_HOME (so its SQLite database is fresh and
nobody else's), waits for `/_sandbox/health` with a deadline, and stops it::

    with SandboxProcess() as sandbox:
        control = SandboxControl(sandbox.url)
        control.register_app(app_id="a1", app_secret="s1", shortcode="21581234")

`SandboxControl` wraps every route of the control API (`/_sandbox/...`), one
method each, returning the decoded JSON and raising `SandboxError` (with
the status and body) on anything but 2xx. `wait_for` polls a condition with
a deadline, for what the sandbox does in the background (the benchmarks use it too).

The suite's fixtures (tests/conftest.py): `sandbox_process`, one per test
process, and `sandbox`, a `SandboxControl` on a freshly reset sandbox with
Hatid's GLOBE_API_URL, GLOBE_OAUTH_URL, TROPO_API_URL and HOIIO_API_URL
pointing at it (Voicent apps point at it with their gateway address).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SandboxError(Exception):
    """The control API refused a call: `status` and `body` say why."""

    def __init__(self, status: int, body, method: str, path: str):
        super().__init__(f"{method} {path} -> {status}: {body}")
        self.status = status
        self.body = body


class WaitTimeout(AssertionError, TimeoutError):
    """`wait_for` reached its deadline: a failed assertion to a test, a timeout to a benchmark."""


def wait_for(condition: Callable, *, timeout: float = 30.0, interval: float = 0.05, what=""):
    """Poll `condition()` until it returns something truthy, and return it; fail at the
    deadline. The one polling helper of the tests and the benchmarks (bench/).

    The deadline only costs time when something is wrong, so it is generous: a
    worker on a machine loaded by other test processes can take seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise WaitTimeout(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(interval)


def consent_pin(control: SandboxControl, number: str) -> str:
    """The confirmation PIN the consent dialog texted to `number`, once it arrived."""
    return wait_for(
        lambda: next(
            (
                re.search(r"\b(\d{6})\b", m["text"]).group(1)
                for m in control.inbox(number)
                if "PIN" in m["text"]
            ),
            None,
        ),
        what="the PIN by SMS",
    )


class SandboxProcess:
    """`manage.py globe_sandbox` in a subprocess, on a free port, with its own HATID_HOME."""

    def __init__(
        self,
        *,
        home: Path | None = None,
        port: int | None = None,
        seed: Path | None = None,
        env: dict | None = None,
        startup_timeout: float = 60.0,
    ):
        self._own_home = home is None
        self.home = Path(home) if home else Path(tempfile.mkdtemp(prefix="hatid-sandbox-"))
        self.port = port
        self.seed = seed
        self.extra_env = env or {}
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.log_path = self.home / "sandbox.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> SandboxProcess:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("SANDBOX_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
        }
        env.update(HATID_HOME=str(self.home), DJANGO_DEBUG="1", PYTHONUNBUFFERED="1")
        env.update(self.extra_env)
        fixed_port = self.port is not None
        for _attempt in range(3):
            self.port = self.port if fixed_port else free_port()
            command = [sys.executable, str(ROOT / "manage.py"), "globe_sandbox"]
            command += ["--host", "127.0.0.1", "--port", str(self.port)]
            command += ["--parent-pid", str(os.getpid())]
            if self.seed is not None:
                command += ["--seed", str(self.seed)]
            with open(self.log_path, "ab") as log:
                # Our own interpreter and manage.py, with arguments built here.
                self.process = subprocess.Popen(  # noqa: S603
                    command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )
            if self._wait_until_healthy() or fixed_port or self.process.poll() is None:
                break  # up, or up but failing (the log says why): no other port helps
            self.stop()  # it exited (the port was taken meanwhile?): try another
        if not self._healthy():
            self.stop()
            raise RuntimeError(f"the sandbox did not start; its log:\n{self.log}")
        return self

    def _health(self) -> int | None:
        try:
            with requests.Session() as session:
                return session.get(f"{self.url}/_sandbox/health", timeout=1).status_code
        except requests.RequestException:
            return None

    def _healthy(self) -> bool:
        return self._health() == 200

    def _wait_until_healthy(self) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False  # it exited: port taken, or a real failure (see the log)
            status = self._health()
            if status is not None:
                return status == 200  # it answers: healthy, or broken for good
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class SandboxControl:
    """One method per control API route; see sandbox/control/ for the routes."""

    def __init__(self, url: str, *, timeout: float = 30.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def call(self, method: str, path: str, **kwargs):
        response = self.session.request(method, f"{self.url}{path}", timeout=self.timeout, **kwargs)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if not 200 <= response.status_code < 300:
            raise SandboxError(response.status_code, body, method, path)
        return body

    # --- the sandbox itself -------------------------------------------------

    def health(self) -> dict:
        return self.call("GET", "/_sandbox/health")

    def reset(self, *, seed: bool = True) -> dict:
        return self.call("POST", "/_sandbox/reset", json={"seed": seed})

    def quiesce(self, timeout: float = 30.0) -> None:
        """Drop the sandbox's pending background work and wait for the running job
        (and the callbacks it is sending) to end: after this, nothing reaches the
        app until told to."""
        self.reset(seed=False)
        wait_for(lambda: not self.health()["busy"], timeout=timeout, what="the sandbox idle")

    def settings(self) -> dict:
        return self.call("GET", "/_sandbox/settings")

    def configure(self, **knobs) -> dict:
        """Change knobs of sandbox/conf.py (prices, ussd_session_timeout...)."""
        return self.call("POST", "/_sandbox/settings", json=knobs)

    # --- apps, subscribers, grants ----------------------------------------

    def register_app(self, **fields) -> dict:
        return self.call("POST", "/_sandbox/apps", json=fields)

    def seed(self, entries: list[dict]):
        """Register a seed file's entries over HTTP, as `globe_sandbox --seed` does."""
        for entry in entries:
            if "hoiio_account" in entry:
                self.hoiio_account(**entry["hoiio_account"])
            else:
                self.register_app(**entry)

    def apps(self) -> list[dict]:
        return self.call("GET", "/_sandbox/apps")["apps"]

    def app(self, app_id: str) -> dict:
        return self.call("GET", f"/_sandbox/apps/{quote(app_id, safe='')}")

    def add_subscriber(self, number: str, **fields) -> dict:
        return self.call("POST", "/_sandbox/subscribers", json={"number": number, **fields})

    def subscribers(self) -> list[dict]:
        return self.call("GET", "/_sandbox/subscribers")["subscribers"]

    def grant(self, app_id: str, number: str) -> dict:
        """Consent without acting it out: {"access_token", "subscriber_number", ...}."""
        return self.call("POST", "/_sandbox/grants", json={"app_id": app_id, "number": number})

    def grants(self, *, app_id: str | None = None, number: str | None = None) -> list[dict]:
        params = {k: v for k, v in {"app_id": app_id, "number": number}.items() if v}
        return self.call("GET", "/_sandbox/grants", params=params)["grants"]

    def grant_many(self, app_id: str, numbers: list[str], **fields) -> dict[str, str]:
        """Consent for many numbers in one request, creating their handsets
        (`balance=` their load): {E.164 number: access token}."""
        body = {"app_id": app_id, "numbers": numbers, **fields}
        return self.call("POST", "/_sandbox/grants/bulk", json=body)["tokens"]

    def revoke_grants(self, app_id: str, number: str) -> dict:
        """End the app's grants for the number silently (the app learns it from a 401)."""
        return self.call(
            "POST", "/_sandbox/grants/revoke", json={"app_id": app_id, "number": number}
        )

    # --- handsets ---------------------------------------------------------

    def _handset(self, number: str) -> str:
        return f"/_sandbox/handsets/{quote(number, safe='')}"

    def text(self, number: str, to: str, text: str, *, order: str | None = None) -> dict:
        body = {"to": to, "text": text, **({"order": order} if order else {})}
        return self.call("POST", f"{self._handset(number)}/sms", json=body)

    def dial(self, number: str, code: str) -> dict:
        return self.call("POST", f"{self._handset(number)}/ussd", json={"dial": code})

    def ussd_input(self, number: str, text: str) -> dict:
        return self.call("POST", f"{self._handset(number)}/ussd", json={"input": text})

    def ussd_cancel(self, number: str) -> dict:
        return self.call("POST", f"{self._handset(number)}/ussd", json={"cancel": True})

    def ussd_screen(self, number: str) -> dict | None:
        """The handset's USSD session (`handset(number)["ussd"]`), read alone."""
        return self.call("GET", f"{self._handset(number)}/ussd")["ussd"]

    def handset(self, number: str) -> dict:
        return self.call("GET", self._handset(number))

    def inbox(self, number: str) -> list[dict]:
        return self.call("GET", f"{self._handset(number)}/inbox")["messages"]

    # --- voice: a handset on a call ------------------------------------------

    def _voice(self, number: str, route: str, body: dict) -> dict:
        return self.call("POST", f"{self._handset(number)}/{route}", json=body)

    def place_call(self, number: str, to: str) -> dict:
        """The handset calls the app with short code `to`: {"call", "callbacks"}."""
        return self._voice(number, "call", {"to": to})

    def answer_call(self, number: str) -> dict:
        return self._voice(number, "call", {"answer": True})

    def decline_call(self, number: str) -> dict:
        return self._voice(number, "call", {"answer": False})

    def hang_up(self, number: str) -> dict:
        return self._voice(number, "call", {"hangup": True})

    def press(self, number: str, keys: str) -> dict:
        return self._voice(number, "keys", {"keys": keys})

    def speak(self, number: str, words: str) -> dict:
        return self._voice(number, "keys", {"speech": words})

    def stay_silent(self, number: str) -> dict:
        return self._voice(number, "keys", {"timeout": True})

    def let_ring_out(self, number: str) -> dict:
        return self._voice(number, "keys", {"no_answer": True})

    def voice_call(self, number: str) -> dict | None:
        """The handset's last call, with its transcript."""
        return self.call("GET", f"{self._handset(number)}/call")["call"]

    def calls(self, **filters) -> list[dict]:
        params = {k: v for k, v in filters.items() if v}
        return self.call("GET", "/_sandbox/calls", params=params)["calls"]

    # --- what happened ------------------------------------------------------

    def deliveries(self, kind: str | None = None, number: str | None = None, **filters):
        params = {"kind": kind, "number": number, **filters}
        params = {k: v for k, v in params.items() if v}
        return self.call("GET", "/_sandbox/deliveries", params=params)["deliveries"]

    def callbacks(self, kind: str | None = None, **filters) -> list[dict]:
        params = {k: v for k, v in {"kind": kind, **filters}.items() if v}
        return self.call("GET", "/_sandbox/callbacks", params=params)["callbacks"]

    # --- faults -------------------------------------------------------------

    def set_fault(self, endpoint: str, **knobs) -> dict:
        return self.call("POST", "/_sandbox/faults", json={"endpoint": endpoint, **knobs})

    def faults(self) -> list[dict]:
        return self.call("GET", "/_sandbox/faults")["faults"]

    def clear_faults(self, endpoint: str | None = None) -> list[dict]:
        params = {"endpoint": endpoint} if endpoint else {}
        return self.call("DELETE", "/_sandbox/faults", params=params)["faults"]

    # --- the Hoiio and Voicent twins ------------------------------------------

    def phone(self, number: str, **behaviour) -> dict:
        """How a number behaves when called, faxed or texted: call, digits, fax, sms."""
        return self.call("POST", "/_sandbox/phones", json={"number": number, **behaviour})

    def hoiio_account(self, app_id: str, **fields) -> dict:
        return self.call("POST", "/_sandbox/hoiio/accounts", json={"app_id": app_id, **fields})

    def hoiio_account_detail(self, app_id: str) -> dict:
        return self.call("GET", f"/_sandbox/hoiio/accounts/{quote(app_id, safe='')}")

    def hoiio_transactions(self, **filters) -> list[dict]:
        params = {k: v for k, v in filters.items() if v}
        return self.call("GET", "/_sandbox/hoiio/transactions", params=params)["transactions"]

    def hoiio_sessions(self) -> list[dict]:
        return self.call("GET", "/_sandbox/hoiio/sessions")["sessions"]

    def hoiio_rooms(self) -> list[dict]:
        return self.call("GET", "/_sandbox/hoiio/rooms")["rooms"]

    def hoiio_numbers(self) -> list[dict]:
        return self.call("GET", "/_sandbox/hoiio/numbers")["numbers"]

    def hoiio_session(self, session: str) -> dict:
        return self.call("GET", f"/_sandbox/hoiio/sessions/{quote(session, safe='')}")

    def hoiio_incoming_call(self, number: str, sender: str, digits: str = "") -> dict:
        """A call rings on a rented number; the answer names its `session`."""
        path = f"/_sandbox/hoiio/numbers/{quote(number, safe='')}/call"
        return self.call("POST", path, json={"from": sender, "digits": digits})

    def hoiio_incoming_sms(self, number: str, sender: str, msg: str) -> dict:
        path = f"/_sandbox/hoiio/numbers/{quote(number, safe='')}/sms"
        return self.call("POST", path, json={"from": sender, "msg": msg})

    def hoiio_incoming_fax(self, number: str, sender: str, pdf: str | None = None) -> dict:
        path = f"/_sandbox/hoiio/numbers/{quote(number, safe='')}/fax"
        return self.call("POST", path, json={"from": sender, **({"pdf": pdf} if pdf else {})})

    def voicent_requests(self, **filters) -> list[dict]:
        params = {k: v for k, v in filters.items() if v}
        return self.call("GET", "/_sandbox/voicent/requests", params=params)["requests"]

    def voicent_call_list(self, path: str, numbers: list[str]) -> dict:
        body = {"path": path, "numbers": numbers}
        return self.call("POST", "/_sandbox/voicent/calllists", json=body)
