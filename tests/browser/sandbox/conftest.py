"""The handset page's tests share the sandbox tests' app server (an app the
sandbox can call back)."""

from tests.integration.sandbox.conftest import app_server  # noqa: F401  (a fixture)
