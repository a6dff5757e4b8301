"""The sandbox on PostgreSQL (`SANDBOX_DATABASE_URL`, as the benchmarks run it):
it migrates its own empty database and serves Hatid's client from it, and its
connections are set up as a simulator's (no WAL flush awaited, kept, no
health check per request)."""

import os
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

from config.settings import _sandbox_database
from sandbox.client import SandboxControl, SandboxProcess
from telecom.models import OutboundCall
from tests.integration.sandbox.test_hatid_side import GlobeSms

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_sandbox_database_on_postgresql_commits_without_waiting_and_keeps_connections():
    config = _sandbox_database("postgres://postgres@127.0.0.1:5432/anything", settings.HATID_HOME)

    assert config["OPTIONS"]["options"] == "-c synchronous_commit=off"
    assert config["CONN_MAX_AGE"] is None and config["CONN_HEALTH_CHECKS"] is False


@pytest.fixture
def sandbox_database_url():
    """An empty PostgreSQL database beside the tests' own, for one sandbox process."""
    url = os.environ["DATABASE_URL"]
    parts = urlsplit(url)
    name = f"test_{parts.path.lstrip('/')}_sandbox_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield parts._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_sandbox_on_postgresql_serves_hatids_client(tmp_path, sandbox_database_url, settings):
    env = {"SANDBOX_DATABASE_URL": sandbox_database_url}
    with SandboxProcess(home=tmp_path, env=env) as process:
        control = SandboxControl(process.url)
        settings.GLOBE_API_URL = settings.GLOBE_OAUTH_URL = process.url
        control.register_app(app_id="hatid", app_secret="s", shortcode="21581234")
        token = control.grant("hatid", "09171234567")["access_token"]

        assert GlobeSms().send(token, "pg-1").status == 201
        assert control.deliveries("sms")[0]["clientCorrelator"] == "pg-1"
        control.reset()
        assert control.deliveries("sms") == []
        assert not (tmp_path / "sandbox.sqlite3").exists()
    assert OutboundCall.objects.get().status_code == 201
