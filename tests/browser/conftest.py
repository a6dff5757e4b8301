"""The browser tests' operator: Olive, of the Operators group, logged in to the
console on the live server in the system Chromium (the `console` page)."""

import re

import pytest
from django.contrib.auth.models import Group, User

from telecom.roles import OPERATORS


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
