"""Fixtures for the USSD tests: `menu`, the shop menu (tests/support/ussd_menus.py),
live on the app's shortcode."""

import pytest

from tests.support.ussd_menus import shop_menu


@pytest.fixture
def menu(globe_app):
    globe_app.shortcode = "21589996"
    globe_app.save()
    return shop_menu(globe_app)
