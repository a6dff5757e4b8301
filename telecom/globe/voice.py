"""Tropo's session trigger (API docs: "Voice", call trigger endpoint):
`GET /1.0/sessions?action=create&token=<voice token>` starts an outbound call,
whose session the platform then POSTs to the app's Voice URI with these
parameters."""

from telecom.crypto import reveal
from telecom.globe.api import GlobeApi


class VoiceApi(GlobeApi):
    def trigger_call(self, *, voice_token, parameters: dict[str, str], subject=None) -> str:
        """Start a session; returns the platform's answer (a session id when it gives one)."""
        response = self.call(
            "voice.session",
            "GET",
            self.tropo("/1.0/sessions"),
            params={"action": "create", "token": reveal(voice_token), **parameters},
            # Tropo answers in XML unless asked for JSON (tropo.com/docs/rest/sessions).
            headers={"Accept": "application/json"},
            subject=subject,
        )
        data = response.json()
        if isinstance(data, dict):
            return str(data.get("id") or data.get("session_id") or "")
        return response.text.strip()
