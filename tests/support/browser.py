"""The system Chromium, driven by Playwright, for the browser tests.

`chromium_page()` opens a headless page (with a 30 s default timeout: CI
machines are shared) and closes the browser afterwards. Playwright's sync API keeps an event loop
running in the test's thread, which Django takes for an async context: the
page allows the test's own (synchronous) queries meanwhile, and closes the
connections they opened in that context, or the test database could not be
dropped at the end.
"""

import contextlib
import os

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
            try:
                yield page
            finally:
                page.goto("about:blank")  # stop the page's own requests (polling)
                browser.close()
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
