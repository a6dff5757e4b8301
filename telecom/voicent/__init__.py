"""The Voicent gateway client (the "Simple Call Interface": callText,
callAudio, callStatus, callRemove, callTillConfirm).

from telecom.voicent import VoicentClient
VoicentClient(app).call_text(phone="+639171234567", text="Hello", selfdelete=False)
"""

from telecom.voicent.client import CallState, VoicentClient

__all__ = ["CallState", "VoicentClient"]
