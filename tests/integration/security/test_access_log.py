"""gunicorn run as the Production section of docs/operations.md says writes no query
string, no callback token and no full number in its access log, nor in the
error Django logs for a failed request."""

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support.http_server import free_port

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "Zk3v9QyBn2LmXa7Pq0RsTuVwXy1z2A3B4C5D6E7F8G9"
SUBSCRIBER_TOKEN = "GlobeAccessToken0123456789"


def readme_gunicorn_command() -> list[str]:
    """The gunicorn command of docs/operations.md's Production section, continuation
    lines joined."""
    section = (ROOT / "docs" / "operations.md").read_text().split("## Production", 1)[1]
    found = re.search(r"^gunicorn .*?(?<!\\)$", section, re.MULTILINE | re.DOTALL)
    assert found, "docs/operations.md's Production section has a gunicorn command"
    return shlex.split(found.group(0).replace("\\\n", " "))


def test_the_documented_gunicorn_command_logs_no_token_nor_number(tmp_path):
    command = readme_gunicorn_command()
    assert "%(U)s" in command[command.index("--access-logformat") + 1]
    port = free_port()
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "1"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PYTEST"))}
    env.update(DJANGO_DEBUG="1", HATID_HOME=str(tmp_path))
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    session = requests.Session()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                session.get(f"http://127.0.0.1:{port}/healthz", timeout=60)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, log.read_text()
                assert server.poll() is None, log.read_text()
                time.sleep(0.1)
        query = f"access_token={SUBSCRIBER_TOKEN}&subscriber_number=639171234567"
        session.get(
            f"http://127.0.0.1:{port}/callbacks/globe/{TOKEN}/redirect/?{query}", timeout=10
        )
        session.get(f"http://127.0.0.1:{port}/voice/{TOKEN}/menu/greet/?{query}", timeout=10)
    finally:
        session.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    text = log.read_text()
    assert "/callbacks/globe/[redacted]/redirect/" in text
    assert "/voice/[redacted]/menu/greet/" in text
    for secret in (SUBSCRIBER_TOKEN, TOKEN, "639171234567", "9171234567"):
        assert secret not in text, secret
