"""Signals the telecom app sends.

`escalation_finished(sender=VoicentEscalation, escalation)` is sent once a
call-till-confirm escalation through the Voicent gateway ends (confirmed,
nobody confirmed, cancelled, or an unknown outcome left to an operator),
after the transaction that ended it committed. The voice flows' own
escalation listens to it to show one escalation whichever provider ran it.

`hoiio_ivr_event` hands each Hoiio IVR notification to whoever runs the
session: telecom plays a session's plan; a voice flow runs its own.
"""

from django.dispatch import Signal

escalation_finished = Signal()

# `hoiio_ivr_event(sender=IvrSession, session, step, event, callback_event)` is
# sent inside the transaction that applies each Hoiio IVR notification, once
# telecom has kept what it says on the session (and on the block it reports,
# `step`, or None), including a call arriving on one of the app's numbers
# (`event.ringing`, a new inbound session with no plan). A receiver that runs
# the session (a voice flow, `voiceflows.services.hoiio_calls`) queues the
# next block with `telecom.services.hoiio.ivr.queue_block` and returns a note
# for the callback log; the others return None. Repeated notifications are
# sent again: receivers are idempotent on them.
hoiio_ivr_event = Signal()
