"""What redaction costs on the texts of one delivered SMS (issue 18, part 4).

Every provider call is kept as an `OutboundCall`: the request log redacts
the URL, the request and the platform's answer (`telecom.redaction`), and
the row's fields redact what they are given again as it is written. This
times each of those on an SMS MT's own texts, as the sandbox answers one
(the answer's `resourceURL`s carry the access token), in this process:
microseconds of CPU per call, the least of five rounds.

    .venv/bin/python bench/redaction.py [--rounds 5] [--calls 20000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TOKEN = "Zk3v9QyBn2LmXa7Pq0RsTuVwXy1z2A3B4C5D6E7F8G9"
URL = f"http://127.0.0.1:8010/smsmessaging/v1/outbound/9999/requests?access_token={TOKEN}"
REQUEST = {
    "outboundSMSMessageRequest": {
        "clientCorrelator": "babaabb2a7bc08f66466",
        "senderAddress": "9999",
        "outboundSMSTextMessage": {"message": "Hatid bench: a campaign text"},
        "address": "tel:+639999000699",
    }
}
ANSWER = json.dumps(
    {
        "outboundSMSMessageRequest": {
            "address": "tel:+639999000699",
            "deliveryInfoList": {"deliveryInfo": [], "resourceURL": URL},
            "senderAddress": "9999",
            "outboundSMSTextMessage": {"message": "Hatid bench: a campaign text"},
            "receiptRequest": {"notifyURL": None, "callbackData": None, "resourceURL": URL},
        }
    }
)


def cases():
    from telecom.redaction import redact_body, redact_data, redact_text, redact_url

    logged_answer = redact_body(ANSWER, "application/json")
    logged_request = json.dumps(redact_data(REQUEST), ensure_ascii=False)
    return [
        ("the log: the request URL (redact_url)", redact_url, URL),
        ("the log: the request body (redact_data)", redact_data, REQUEST),
        ("the log: the answer (redact_body)", redact_body, ANSWER),
        ("the row: the logged URL again (redact_text)", redact_text, redact_url(URL)),
        ("the row: the logged request again (redact_text)", redact_text, logged_request),
        ("the row: the logged answer again (redact_text)", redact_text, logged_answer),
        ("a short text with no secret (redact_text)", redact_text, "tel:+639999000699"),
    ]


def timed(function, value, calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        function(value)
    return (time.process_time() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    total = 0.0
    for label, function, value in cases():
        least = min(timed(function, value, args.calls) for _ in range(args.rounds))
        if not label.startswith("a short"):
            total += least
        print(f"{least:8.1f} µs  {label}")
    print(f"{total:8.1f} µs  per delivered SMS (the six above)")


if __name__ == "__main__":
    main()
