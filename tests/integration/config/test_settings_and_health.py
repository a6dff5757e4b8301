"""Settings from the environment, production hardening, and /healthz."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(tmp_path, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "FIELD_ENCRYPTION", "PYTEST_XDIST"))
    }
    env.update(
        DJANGO_SECRET_KEY="k" + Fernet.generate_key().decode() + "-production-secret-key",
        DJANGO_ALLOWED_HOSTS="hatid.example.com",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        HATID_HOME=str(tmp_path),
    )
    env.update(overrides)
    return env


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS"]
)
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = production_env(tmp_path)
    del env[missing]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_malformed_setting_names_the_variable(tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="maybe")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


@pytest.mark.django_db
def test_healthz_reports_every_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_naming_what_failed(client, settings):
    from django.core.cache import caches

    from tests.support.http_server import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    try:
        response = client.get("/healthz")
    finally:
        caches._settings = None
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["redis"].startswith("failed")
    assert body["checks"]["database"] == "ok"


def test_check_refuses_a_lease_shorter_than_a_provider_call(tmp_path):
    result = manage(
        "check", env=production_env(tmp_path, OUTBOX_LEASE_SECONDS="10", PROVIDER_READ_TIMEOUT="15")
    )
    assert result.returncode != 0
    assert "hatid.E001" in result.stderr
