"""The Globe API mixins declare what they rely on (`GlobeApi`) without hiding
the client's plumbing."""

from telecom.globe import GlobeClient
from telecom.globe.api import GlobeApi
from telecom.http import ProviderClient


def test_globe_api_every_mixin_builds_on_it():
    mixins = [base for base in GlobeClient.__bases__ if base is not ProviderClient]
    assert mixins and all(issubclass(mixin, GlobeApi) for mixin in mixins)


def test_globe_api_declarations_do_not_hide_the_client_plumbing():
    assert GlobeClient.call is ProviderClient.call
    assert "call" not in vars(GlobeApi) and "suffix" not in vars(GlobeApi)
