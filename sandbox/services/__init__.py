"""Behaviour the platform API and the control API share (consent, handsets, USSD, wallet)."""
