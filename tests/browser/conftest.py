"""The browser tests' console users, signed in on the live server in the system
Chromium: Olive of the Operators group (`console`), Victor of the Viewers
(`viewer_console`)."""

import os
from pathlib import Path

import pytest

from telecom.roles import OPERATORS, VIEWERS
from tests.support.browser import sign_in

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def screenshots(tmp_path):
    """Where a test saves its screenshots: docs/screenshots/ (the README's
    pictures) when HATID_SCREENSHOTS=1, else a temporary folder, so that
    `make test` leaves the working tree as it found it."""
    if os.environ.get("HATID_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path


@pytest.fixture
def console(live_server, browser_page, globe_app):
    return sign_in(browser_page, live_server.url, "olive", OPERATORS)


@pytest.fixture
def viewer_console(live_server, browser_page, globe_app):
    """Victor, of the Viewers group: reads everything, runs nothing."""
    return sign_in(browser_page, live_server.url, "victor", VIEWERS)
