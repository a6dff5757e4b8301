"""Callbacks answered once stored (`telecom.callbacks.lanes`) in tests.

In-process tests run inside a transaction that never commits, so no worker
is ever asked: `process_callbacks()` processes every waiting lane right here,
as the worker would, and returns how many events it processed. `mo_body`
and `stop_body` write a Globe Labs inbound SMS and an unsubscribe
notification as the platform posts them.
"""

import json

from telecom.callbacks.lanes import drain


def process_callbacks() -> int:
    return drain()


def mo_body(
    sender: str, text: str, *, shortcode="21581234", message_id=None, ref=None, seq=None
) -> str:
    """One MO SMS (a multipart part when `ref` and `seq` are given)."""
    entry = {
        "dateTime": "Fri Nov 22 2013 12:12:13 GMT+0000 (UTC)",
        "destinationAddress": f"tel:{shortcode}",
        "messageId": message_id,
        "message": text,
        "resourceURL": None,
        "senderAddress": f"tel:{sender}",
    }
    count = 1
    if ref is not None:
        entry.update(multipartRefId=ref, multipartSeqNum=str(seq))
        count = "2"
    return json.dumps(
        {
            "inboundSMSMessageList": {
                "inboundSMSMessage": [entry],
                "numberOfMessagesInThisBatch": count,
                "resourceURL": None,
                "totalNumberOfPendingMessages": None,
            }
        }
    )


def stop_body(number: str, access_token: str) -> str:
    """The platform's notification that `number` texted STOP."""
    return json.dumps(
        {
            "unsubscribed": {
                "subscriber_number": number,
                "access_token": access_token,
                "time_stamp": "2014-10-19T12:00:00",
            }
        }
    )
