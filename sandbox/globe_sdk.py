"""The official Globe Connect SDK (`pip install globe`) made importable on Python 3.

It is Python 2 code: it imports `StringIO` and sends with pycurl. A `StringIO`
module whose buffer takes text and bytes is enough for its SMS, location,
subscriber, payment, rewards (Amax), USSD and OAuth modules. Their URLs are
module constants; `load_sdk(url)` points them at `url` (the sandbox). The
sandbox's fidelity test and the outbound benchmark drive the sandbox with it;
Hatid never imports it (the SDK is a development dependency).
"""

from __future__ import annotations

import importlib
import sys
import types

LIVE_API = "https://devapi.globelabs.com.ph"
LIVE_OAUTH = "https://developer.globelabs.com.ph"
MODULES = ("sms", "location", "subscriber", "payment", "amax", "ussd", "oauth")


class Buffer:
    """What the SDK's `StringIO` must be on Python 3: text or bytes in, bytes out."""

    def __init__(self):
        self._parts: list[bytes] = []

    def write(self, data):
        self._parts.append(data.encode() if isinstance(data, str) else bytes(data))
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


def shim_module() -> types.ModuleType:
    shim = types.ModuleType("StringIO")
    shim.StringIO = Buffer
    return shim


def load_sdk(url: str, setitem=None, setattr_=None) -> dict:
    """The SDK's modules with every URL pointing at `url`. `setitem`/`setattr_`
    (e.g. a pytest monkeypatch's) let a test undo the changes."""
    setitem = setitem or (lambda mapping, key, value: mapping.__setitem__(key, value))
    setattr_ = setattr_ or setattr
    setitem(sys.modules, "StringIO", shim_module())
    modules = {}
    for name in MODULES:
        module = importlib.import_module(f"globe.connect.{name}")
        for attribute, value in vars(module).items():
            if attribute.endswith("_URL") or attribute in ("SEND_USSD", "REPLY_USSD"):
                setattr_(module, attribute, value.replace(LIVE_API, url).replace(LIVE_OAUTH, url))
        modules[name] = module
    return modules
