"""The system Chromium, driven by Playwright, for the browser tests.

`chromium_page()` opens a headless page (with a 30 s default timeout: CI
machines are shared) and closes the browser afterwards. Playwright's sync API keeps an event loop
running in the test's thread, which Django takes for an async context: the
page allows the test's own (synchronous) queries meanwhile, and closes the
connections they opened in that context, or the test database could not be
dropped at the end.

Every page also watches for Content-Security-Policy violations, from the
page's `securitypolicyviolation` events and from Chromium's console ("Refused
to execute inline script because it violates the following Content Security
Policy directive..."), across its navigations: `page.csp_violations` lists
them, and leaving `chromium_page()` fails the test if there is any, so every
browser test runs under the production policy (config/settings.py).
"""

import contextlib
import os
import re

from django.contrib.auth.models import Group, User

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Playwright injects this before any of the page's own scripts, outside the
# page's CSP, on every navigation.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__hatidCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} `
    + `(${event.sourceFile || location.href}:${event.lineNumber}) on ${location.pathname}`
  );
});
"""


def watch_csp(page) -> list[str]:
    """Collect the page's CSP violations from now on into `page.csp_violations`."""
    page.csp_violations = violations = []
    page.expose_function("__hatidCspViolation", lambda text: violations.append(text))
    page.add_init_script(CSP_LISTENER)

    def console(message):
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    page.on("console", console)
    return violations


def assert_no_csp_violations(page) -> None:
    page.evaluate("0")  # a round trip: the events sent before it have arrived
    assert page.csp_violations == [], "CSP violations:\n" + "\n".join(page.csp_violations)


@contextlib.contextmanager
def chromium_page():
    from django.db import connections
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page()
            page.set_default_timeout(30_000)
            watch_csp(page)
            try:
                yield page
                assert_no_csp_violations(page)
            finally:
                page.goto("about:blank")  # stop the page's own requests (polling)
                browser.close()
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


PASSWORD = "a-long-passw0rd!"


def sign_in(page, base: str, username: str, group: str):
    """A new staff user of `group`, signed in to the console on `page`."""
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
    page.base = base
    return page
