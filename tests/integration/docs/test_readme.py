"""The documented commands work as printed, for a newcomer on a fresh clone.

A copy of the working tree (what a clone holds, with this checkout's .venv)
gets its `.env` from `make install`, then the `manage.py` commands and curl
examples of the README and docs/*.md (docs/api.md) run in a plain shell:
no DJANGO_DEBUG, no secrets.
"""

import os
import shutil
import socket
import subprocess
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import resolve

from sandbox.client import wait_for
from tests.support.http_server import free_port
from tests.support.readme import (
    ROOT,
    curl_examples,
    example_key_scopes,
    manage_commands,
)


def test_readme_api_key_example_has_every_scope_its_examples_use():
    scopes = example_key_scopes()
    examples = curl_examples()
    assert any(urlsplit(e.url).path == "/api/v1/messages/" for e in examples)
    for example in examples:
        view = resolve(urlsplit(example.url).path).func.cls
        required = getattr(view, "required_scopes", None)
        scope = (
            required
            if required is None or isinstance(required, str)
            else required.get(example.method)
        )
        assert scope is None or scope in scopes, (
            f"{example.line!r} needs {scope!r}, the documented key has {sorted(scopes)}"
        )


def _fresh_clone(tmp_path):
    """What `git clone` gives: the tracked (and new, not ignored) files, no .env, no var/."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    clone = tmp_path / "clone"
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    return clone


def _plain_shell_env():
    """A newcomer's shell: nothing of Hatid's set, except the test's own Redis."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "FIELD_ENCRYPTION", "PYTEST_", "HATID_"))
        and key not in ("DATABASE_URL", "SANDBOX_DATABASE_URL", "REDIS_URL")
    }
    # Isolation from the other test processes, as the README allows.
    env["REDIS_URL"] = settings.REDIS_URL
    return env


def _sh(command, *, cwd, env, timeout=180):
    result = subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _answers(port, process):
    assert process.poll() is None, process.communicate()
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_readme_commands_work_as_printed_without_django_debug(tmp_path):
    clone = _fresh_clone(tmp_path)
    env = _plain_shell_env()
    # `make install` (which `make run` and `make test` start with) writes the .env;
    # -o: the .venv is this checkout's, already installed.
    _sh("make -o .venv/.installed-stamp install", cwd=clone, env=env)
    assert "DJANGO_DEBUG=1" in (clone / ".env").read_text()
    # What `make run` does before starting its processes.
    _sh(".venv/bin/python manage.py migrate --no-input -v 0", cwd=clone, env=env)
    _sh(".venv/bin/python manage.py bootstrap_demo", cwd=clone, env=env)

    commands = manage_commands()
    assert commands, "no document has a manage.py example"
    key = None
    for command in commands:
        output = _sh(command, cwd=clone, env=env)
        if " create_api_key " in command:
            key = output.strip()
    assert key

    port = free_port()
    web = subprocess.Popen(
        [".venv/bin/python", "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: _answers(port, web), timeout=60, what="the web server")
        examples = curl_examples()
        assert examples
        for example in examples:
            line = example.line.replace("<key>", key).replace("127.0.0.1:8000", f"127.0.0.1:{port}")
            output = _sh(f"{line} -sS -w '\\n%{{http_code}}'", cwd=clone, env=env)
            body, status = output.rsplit("\n", 1)
            assert status in ("200", "201"), f"{example.line} answered {status}: {body}"
    finally:
        web.terminate()
        web.wait(timeout=20)
