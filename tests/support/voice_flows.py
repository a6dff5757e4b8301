"""Flows the voice tests walk, written as data (the `import_flow` format), and
builders of what the platform posts."""

MENU_FLOW = {
    "slug": "menu",
    "name": "Menu",
    "start": "greet",
    "steps": [
        {
            "key": "greet",
            "verb": "say",
            "options": {"value": "Hello. Thank you for calling."},
            "routes": [{"on": "continue", "goto": "menu"}],
        },
        {
            "key": "menu",
            "verb": "ask",
            "options": {
                "choices": {"value": "1, 2", "mode": "dtmf"},
                "say": [
                    {"value": "Press 1 for today's promo, 2 to leave a message."},
                    {"value": "Sorry, that is not one of the choices.", "event": "nomatch"},
                ],
                "attempts": 2,
                "timeout": 5,
                "name": "choice",
            },
            "routes": [
                {"on": "answer", "value": "1", "goto": "promo"},
                {"on": "answer", "value": "2", "goto": "message"},
                {"on": "timeout", "goto": "bye", "say": "We did not hear you."},
                {"on": "nomatch", "goto": "bye"},
            ],
        },
        {
            "key": "promo",
            "verb": "say",
            "options": {"value": "You pressed {choice}. A text with the promo is on its way."},
            "action": "sms",
            "action_text": "Today's promo: LOAD 50 gets you 10MB free.",
            "routes": [{"on": "continue", "goto": "bye"}],
        },
        {
            "key": "message",
            "verb": "record",
            "options": {
                "url": "https://recordings.example.com/upload",
                "say": {"value": "Leave a message after the beep, then press the hash key."},
                "beep": True,
                "choices": {"terminator": "#"},
                "name": "voicemail",
            },
            "routes": [{"on": "continue", "goto": "agent"}],
        },
        {
            "key": "agent",
            "verb": "transfer",
            "options": {
                "to": "9171112222",
                "name": "agent",
                "on": {"event": "ring", "say": {"value": "http://example.com/hold.mp3"}},
            },
        },
        {
            "key": "bye",
            "verb": "say",
            "options": {"value": "Goodbye."},
            "routes": [{"on": "continue", "goto": "end"}],
        },
        {"key": "end", "verb": "hangup"},
    ],
}


def session_body(session_id: str, *, caller="9171234567", callee="21581234", **extra) -> dict:
    return {
        "session": {
            "id": session_id,
            "accountId": "62",
            "timestamp": "2014-01-15T03:41:31.291Z",
            "userType": "HUMAN",
            "initialText": None,
            "callId": "c9b15fab9e8195ca5d368faaecf2c77f",
            "to": {"id": callee, "name": callee, "channel": "VOICE", "network": "PSTN"},
            "from": {"id": caller, "name": caller, "channel": "VOICE", "network": "PSTN"},
            "headers": {},
            **extra,
        }
    }


def launch_body(session_id: str, parameters: dict) -> dict:
    """A session the app started with the session API (a token launch)."""
    return {
        "session": {
            "id": session_id,
            "accountId": "62",
            "timestamp": "2014-01-07T01:06:44.102Z",
            "userType": "NONE",
            "initialText": None,
            "callId": None,
            "parameters": {"token": "voice-token", "action": "create", **parameters},
        }
    }


def result_body(session_id: str, sequence: int, actions=None, *, state="ANSWERED") -> dict:
    result = {
        "sessionId": session_id,
        "callId": "c9b15fab9e8195ca5d368faaecf2c77f",
        "state": state,
        "sessionDuration": 5 * sequence,
        "sequence": sequence,
        "complete": True,
        "error": None,
    }
    if actions is not None:
        result["actions"] = actions
    return {"result": result}


def answer(name: str, said: str, *, disposition="SUCCESS", attempts=1) -> dict:
    success = disposition == "SUCCESS"
    return {
        "name": name,
        "attempts": attempts,
        "disposition": disposition,
        "confidence": 100 if success else None,
        "interpretation": said if success else None,
        "utterance": said if success else None,
        "value": said if success else None,
    }


def demo_ask_fields() -> dict:
    """The demo's ask (voiceflows/demo.py, step `menu`) as an operator fills in
    its form's fields (voiceflows/step_options.py)."""
    from voiceflows.demo import DEMO_FLOW

    ask = DEMO_FLOW["steps"][1]["options"]
    return {
        "ask_say": ask["say"][0]["value"],
        "ask_choices_value": "1, 2",
        "ask_choices_mode": "dtmf",
        "ask_attempts": "3",
        "ask_timeout": "10",
        "ask_say_nomatch": ask["say"][1]["value"],
        "ask_say_timeout": ask["say"][2]["value"],
        "ask_name": "choice",
    }
