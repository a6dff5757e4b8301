"""Signals the telecom app sends.

`escalation_finished(sender=VoicentEscalation, escalation)` is sent once a
call-till-confirm escalation through the Voicent gateway ends (confirmed,
nobody confirmed, cancelled, or an unknown outcome left to an operator),
after the transaction that ended it committed. The voice flows' own
escalation listens to it to show one escalation whichever provider ran it.
"""

from django.dispatch import Signal

escalation_finished = Signal()
