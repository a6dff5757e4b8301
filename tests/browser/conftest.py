"""The browser tests' operator: Olive, of the Operators group, logged in to the
console on the live server in the system Chromium (the `console` page)."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from telecom.roles import OPERATORS

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
    user = User.objects.create_user("olive", password="a-long-passw0rd!", is_staff=True)
    user.groups.add(Group.objects.get(name=OPERATORS))
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "olive")
    page.fill("#id_password", "a-long-passw0rd!")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
    page.base = live_server.url
    return page
