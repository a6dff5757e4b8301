"""The operator console's pages for voice: flows and their editor, the
walk-through simulator, voice settings, calls, outbound calls, campaigns and
escalations."""

from voiceflows.admin import calls, escalations, flows  # noqa: F401
