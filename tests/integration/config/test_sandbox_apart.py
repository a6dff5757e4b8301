"""The sandbox is apart: installed only in development or with HATID_SANDBOX=1.

Production settings (no DJANGO_DEBUG) have neither its app, its database alias
nor its router, and Hatid's URLconf never routes to it; Hatid then migrates and
serves without it. Each case imports the settings in a fresh process, as
tests/integration/config/test_settings_and_health.py does. And no import crosses the
line: Hatid's apps never import the sandbox, the benchmarks never import the
test suite (they drive the sandbox with its own client, sandbox/client.py).
"""

import ast
import json
import subprocess
import sys

from django.conf import settings

from tests.integration.config.test_settings_and_health import ROOT, manage, production_env

# Prints what the settings installed and every path Hatid's URLconf routes.
PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.urls import get_resolver

def routes(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)

print(json.dumps({
    "apps": settings.INSTALLED_APPS,
    "databases": sorted(settings.DATABASES),
    "routers": settings.DATABASE_ROUTERS,
    "routes": list(routes(get_resolver().url_patterns)),
}))
"""


def probe(env) -> dict:
    env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def sandbox_routes(routes: list[str]) -> list[str]:
    return [route for route in routes if "_sandbox" in route or "hoiio/open" in route]


def test_production_settings_leave_the_sandbox_out(tmp_path):
    seen = probe(production_env(tmp_path))
    assert "sandbox" not in seen["apps"]
    assert seen["databases"] == ["default"]
    assert seen["routers"] == []
    assert "admin/" in seen["routes"]  # the walk saw Hatid's URLconf
    assert sandbox_routes(seen["routes"]) == []


def test_hatid_sandbox_installs_it_without_routing_hatid_to_it(tmp_path):
    seen = probe(production_env(tmp_path, HATID_SANDBOX="1"))
    assert "sandbox" in seen["apps"]
    assert seen["databases"] == ["default", "sandbox"]
    assert seen["routers"] == ["sandbox.router.SandboxRouter"]
    assert sandbox_routes(seen["routes"]) == []


def test_development_settings_install_the_sandbox(tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="1")
    assert "sandbox" in probe(env)["apps"]


def test_hatid_migrates_and_serves_without_the_sandbox(tmp_path):
    # A fresh SQLite file under tmp_path; the suite's own Redis (the embedded
    # one under the suite's HATID_HOME when REDIS_URL is unset), which /healthz pings.
    env = production_env(tmp_path, REDIS_URL=settings.REDIS_URL)
    env.pop("DATABASE_URL", None)
    migrated = manage("migrate", "--no-input", env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert "sandbox" not in migrated.stdout
    served = manage("shell", "-c", HEALTHZ, env=env)
    assert served.returncode == 0, served.stdout + served.stderr
    assert served.stdout.strip().splitlines()[-1] == "200"
    assert not (tmp_path / "sandbox.sqlite3").exists()


def test_check_deploy_passes_with_the_sandbox_off(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "globe_sandbox" not in manage("help", env=production_env(tmp_path)).stdout


def imported_roots(folder: str) -> dict[str, set[str]]:
    """Each module under `folder` -> the top-level packages it imports."""
    found = {}
    for path in (ROOT / folder).rglob("*.py"):
        roots = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                roots |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = roots
    return found


def test_hatid_never_imports_the_sandbox():
    for folder in ("config", "telecom", "subscribers", "voiceflows"):
        importers = [path for path, roots in imported_roots(folder).items() if "sandbox" in roots]
        assert importers == [], f"{folder} imports the sandbox"


def test_the_benchmarks_import_nothing_from_the_tests():
    importers = [path for path, roots in imported_roots("bench").items() if "tests" in roots]
    assert importers == []


# /healthz (database, Redis, broker) through the whole middleware stack.
HEALTHZ = """
from django.test import Client
print(Client(SERVER_NAME="hatid.example.com").get("/healthz", secure=True).status_code)
"""
