"""The Globe Labs client: one module per API, one HTTP session, one error mapping.

from telecom.globe import GlobeClient
GlobeClient(app).send_sms(...)
"""

from telecom.globe.client import GlobeClient

__all__ = ["GlobeClient"]
