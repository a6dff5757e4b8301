"""The Hoiio client: one class composed of a mixin per API module (SMS, voice,
IVR, fax, number, account), one HTTP session, one error mapping.

from telecom.hoiio import HoiioClient
HoiioClient(app).send_sms(dest="+639171234567", msg="Hello", tag="...")

The calls, paths and parameters are those of the published `hoiio` 0.1.5 SDK
(see ../shared/reference/hoiio-api-endpoints.md); Hatid sends them as POST
form bodies, never as the SDK's query strings, so that credentials and fax
documents stay out of URLs and access logs.
"""

from telecom.hoiio.client import HoiioClient

__all__ = ["HoiioClient"]
